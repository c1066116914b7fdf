namespace MInference.Tests.Cli;

[NonParallelizable]
public sealed class HelpTests
{
    [TestCase("info")]
    [TestCase("demo")]
    [TestCase("run")]
    [TestCase("search")]
    [TestCase("generate")]
    [TestCase("bench", "dense")]
    [TestCase("bench", "sparse")]
    [TestCase("bench", "sla")]
    [TestCase("decode")]
    [TestCase("sla")]
    public void EveryCommandHasHelpWithExamples(params string[] command)
    {
        (int exitCode, string output) = CliRun.Invoke([.. command, "--help"]);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero);
            Assert.That(output, Does.Contain("Usage:"));
            Assert.That(output, Does.Contain("Examples:").And.Contain($"minference {string.Join(' ', command)}"));
        });
    }

    [Test]
    public void InfoRunsWithoutAGpuAndNamesTheRuntime()
    {
        (int exitCode, string output) = CliRun.Invoke("info");
        Assert.That(exitCode, Is.Zero);
        Assert.That(output, Does.Contain(".NET"));
    }
}

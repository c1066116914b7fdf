using System.Security.Cryptography;

namespace MInference.Tests.Cli;

/// <summary>
/// Bad command lines, one problem each: every one fails with exactly one line on standard error,
/// no stack trace, and nothing written or changed in the working directory.
/// </summary>
[NonParallelizable]
public sealed class BadInvocationTests
{
    // Placeholders in the cases, replaced by paths in the fixture's directory.
    private const string Input = "{input}";
    private const string Config = "{config}";
    private const string Folder = "{folder}";
    private const string SubFolder = "{subfolder}";
    private const string MissingFolder = "{missing}";
    private const string InputLink = "{input-link}";

    private static readonly string[][] s_cases =
    [
        ["generate", "--out", $"{Folder}/g.safetensors", "--seq", "abc"],
        ["generate", "--out", $"{Folder}/g.safetensors", "--seq", "99999999999"],
        ["generate", "--out", $"{Folder}/g.safetensors", "--heads", "x"],
        ["generate", "--out", $"{Folder}/g.safetensors", "--layers", "0"],
        ["generate", "--out", $"{Folder}/g.safetensors", "--seed", "1.5"],
        ["generate", "--out", $"{Folder}/g.safetensors", "--dtype", "fp8"],
        ["generate", "--out", $"{Folder}/g.safetensors", "--seq", "64", "--head-dim", "256"],
        ["generate", "--out", $"{MissingFolder}/g.safetensors", "--seq", "64"],
        ["generate", "--out", SubFolder, "--seq", "64"],
        ["generate", "--out", Input, "--seq", "64", "--layers", "3", "--heads", "0"],
        ["demo", "--seq", "abc"],
        ["demo", "--seq", "99999999999"],
        ["demo", "--heads", "x"],
        ["demo", "--min-seq", "abc"],
        ["demo", "--min-seq-estimated", "-1"],
        ["demo", "--search-seq", "10"],
        ["demo", "--budget", "0"],
        ["demo", "--max-error", "abc"],
        ["demo", "--max-density", "2"],
        ["demo", "--backend", "tpu"],
        ["demo", "--config", SubFolder],
        ["demo", "--config", $"{Folder}/absent.json"],
        ["demo", "--plot", Input],
        ["demo", "--plot", $"{Input}/plots"],
        ["demo", "--frobnicate"],
        ["demo", "--plot", $"{Folder}/plots", "--plot-heads", "0:99"],
        ["search", "--out", $"{Folder}/s.json", "--seq", "abc"],
        ["search", "--out", $"{Folder}/s.json", "--heads", "x"],
        ["search", "--out", $"{Folder}/s.json", "--budget", "1.5"],
        ["search", "--out", $"{Folder}/s.json", "--backend", "tpu"],
        ["search", "--out", $"{Folder}/s.json", "--format", "python"],
        ["search", "--input", Input, "--out", Input],
        ["search", "--input", Input, "--out", InputLink],
        ["search", "--out", $"{MissingFolder}/s.json"],
        ["search", "--out", SubFolder],
        ["search", "--input", SubFolder, "--out", $"{Folder}/s.json"],
        ["search"],
        ["run", "--input", Input, "--config", Config, "--min-seq", "abc"],
        ["run", "--input", Input, "--config", Config, "--min-seq-estimated", "99999999999"],
        ["run", "--input", Input, "--config", Config, "--timed-runs", "0"],
        ["run", "--input", Input, "--config", Config, "--max-density", "x"],
        ["run", "--input", Input, "--config", Config, "--dtype", "fp32"],
        ["run", "--input", Input, "--config", Config, "--output", Input],
        ["run", "--input", Input, "--config", Config, "--output", InputLink],
        ["run", "--input", Input, "--config", Config, "--output", $"{Folder}/sub/../config.json"],
        ["run", "--input", Input, "--config", Config, "--output", Config],
        ["run", "--input", Input, "--config", Config, "--output", $"{MissingFolder}/o.safetensors"],
        ["run", "--input", Input, "--config", Config, "--output", SubFolder],
        ["run", "--input", SubFolder, "--config", Config],
        ["run", "--input", Input, "--config", SubFolder],
        ["run", "--input", Input],
        ["run", "--input", Input, "--config", Config, "--modalities", Config],
        ["run", "--input", Input, "--config", Config, "--modalities", $"{MissingFolder}/map.json"],
        ["search", "--modalities", Config, "--out", $"{Folder}/patterns.json"],
        ["search", "--input", Input, "--modalities", Config, "--format", "minference", "--out", $"{Folder}/patterns.json"],
        ["video", "--tensors-out", SubFolder],
        ["bench", "dense", "--seq", "abc"],
        ["bench", "dense", "--seq", "1024", "--heads", "x"],
        ["bench", "dense", "--seq", "1024", "--iters", "5"],
        ["bench", "sparse", "--pattern", "vs", "--seq", "abc"],
        ["bench", "sparse", "--pattern", "vs", "--seq", "1024", "--heads", "99999999999"],
        ["bench", "sparse", "--pattern", "vs", "--seq", "1024", "--min-seq", "abc"],
        ["bench", "sparse", "--pattern", "vs", "--seq", "1024", "--max-density", "1.5"],
        ["bench", "sparse", "--pattern", "diagonal", "--seq", "1024"],
        ["bench", "sparse", "--pattern", "ashape", "--seq", "1024", "--vertical", "10"],
        ["bench", "sparse", "--pattern", "grid", "--seq", "4096"],
        ["bench", "sparse", "--pattern", "grid", "--seq", "600", "--data", "video"],
        ["bench", "sparse", "--pattern", "vs", "--seq", "4096", "--grid-blocks", "8"],
        ["bench", "sparse", "--pattern", "grid", "--seq", "4096", "--data", "video", "--grid-blocks", "0"],
        ["bench", "sparse", "--pattern", "2dboundary", "--seq", "4096"],
        ["bench", "sparse", "--pattern", "vs", "--seq", "4096", "--boundary-blocks", "8"],
        ["bench", "sparse", "--pattern", "vlm", "--seq", "4096", "--data", "video", "--top-k", "8"],
        ["video", "--grid-blocks", "0"],
        ["bench", "decode", "--seq", "1024", "--subspaces", "48"],
        ["bench", "decode", "--seq", "1024", "--heads", "6", "--kv-heads", "4"],
        ["bench", "decode", "--seq", "1024", "--head-dim", "80"],
        ["bench", "decode", "--seq", "0"],
        ["decode", "--backend", "tpu"],
        ["decode", "--input", Input, "--heads", "8"],
        ["decode", "--input", Input, "--seq", "64"],
        ["decode", "--input", Input, "--layer", "3", "--seq", "32"],
        ["decode", "--input", MissingFolder],
        ["decode", "--codebooks", Input, "--seq", "300"],
        ["decode", "--seq", "300", "--plot", Input],
        ["bench", "decode", "--seq", "1024", "--overlap-steps", "-1"],
        ["bench", "sla", "--critical", "0"],
        ["bench", "sla", "--critical", "1.5"],
        ["bench", "sla", "--negligible", "1"],
        ["bench", "sla", "--feature-map", "tanh"],
        ["bench", "sla", "--linear-branch", "critical"],
        ["bench", "sla", "--head-dim", "80"],
        ["bench", "sla", "--seq", "2097153"],
        ["bench", "sla", "--iters", "5"],
        ["decode", "--subspaces", "48"],
        ["decode", "--seq", "300", "--heads", "6", "--kv-heads", "4"],
        ["decode", "--seq", "300", "--head-dim", "96", "--subspaces", "64"],
        ["decode", "--seq", "100", "--steps", "1"],
        ["decode", "--seq", "300", "--sample-tokens", "100"],
        ["decode", "--seq", "300", "--codebooks-out", SubFolder],
        ["video", "--heads", "3", "--kv-heads", "2"],
        ["video", "--frame-height", "1", "--frame-width", "1"],
        ["video", "--noise", "-1"],
        ["video", "--head-dim", "33"],
        ["video", "--frames", "0"],
        ["video", "--frames", "500", "--frame-height", "16", "--frame-width", "16"],
        ["video", "--plot", Input],
        ["video", "--modalities-out", SubFolder],
        ["sla", "--seq", "abc"],
        ["sla", "--seq", "0"],
        ["sla", "--seq", "2097153"],
        ["sla", "--cpu", "--seq", "4096"],
        ["sla", "--heads", "0"],
        ["sla", "--head-dim", "80"],
        ["sla", "--batch", "0"],
        ["sla", "--dtype", "fp8"],
        ["sla", "--critical", "0"],
        ["sla", "--negligible", "1"],
        ["sla", "--feature-map", "tanh"],
        ["sla", "--linear-branch", "critical"],
        ["sla", "--fit-steps", "-1"],
        ["sla", "--learning-rate", "0"],
        ["sla", "--frames", "0"],
        ["sla", "--seq", "1000", "--frames", "3"],
        ["sla", "--seq", "64", "--frames", "2", "--height", "2", "--width", "2"],
        ["sla", "--cpu", "--frames", "64", "--height", "64", "--width", "64"],
        ["sla", "--seed", "1.5"],
        ["sla", "--cpu", "--seq", "2048", "--batch", "64", "--heads", "64"],
        ["sla", "--heads", "2", "--plot-head", "2"],
        ["sla", "--plot", SubFolder],
        ["sla", "--plot", $"{MissingFolder}/mask.png"],
    ];

    private TempDirectory _directory = null!;

    [OneTimeSetUp]
    public void CreateInputs()
    {
        _directory = CliInputFolder.Create("[\"dense\", 0, 0, 1.0]");
        File.CreateSymbolicLink(_directory.File("input-link.safetensors"), _directory.File("input.safetensors"));
    }

    [OneTimeTearDown]
    public void DeleteInputs() => _directory.Dispose();

    [TestCaseSource(nameof(s_cases))]
    public void FailsWithOneLineAndWritesNothing(params string[] template)
    {
        string[] args = [.. template.Select(Expand)];
        Dictionary<string, string> before = Snapshot();
        (int exitCode, string output, string errors) = CliRun.InvokeWithErrors(args);
        string[] errorLines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.Zero, "exit code");
            Assert.That(errorLines, Has.Length.EqualTo(1), $"one line on standard error; got:\n{errors}");
            Assert.That(output + errors, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(Snapshot(), Is.EqualTo(before), "nothing written, inputs unchanged");
        });
    }

    [Test]
    public void ThereAreEnoughCasesForEveryCommand()
    {
        string[] commands = ["generate", "demo", "search", "run", "bench", "sla"];
        Assert.That(s_cases, Has.Length.GreaterThanOrEqualTo(30));
        Assert.That(commands.Select(command => s_cases.Count(args => args[0] == command)), Is.All.GreaterThanOrEqualTo(5));
    }

    [Test]
    public void AnUnexpectedFailureIsOneLineAndVerboseAddsTheStackTrace()
    {
        // A standard output that throws: a failure no command expects.
        (int exitCode, string errors) = CliRun.InvokeWithOutputTo(new FailingWriter(), "info");
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(errors.Trim().Split('\n'), Has.Length.EqualTo(1), errors);
            Assert.That(errors, Does.Contain(FailingWriter.Message).And.Contain(nameof(InvalidOperationException)).And.Contain("--verbose"));
            Assert.That(errors, Does.Not.Contain("   at "));
        });

        (int verboseExitCode, string verboseErrors) = CliRun.InvokeWithOutputTo(new FailingWriter(), "info", "--verbose");
        Assert.Multiple(() =>
        {
            Assert.That(verboseExitCode, Is.Not.Zero);
            Assert.That(verboseErrors, Does.Contain(FailingWriter.Message).And.Contain("   at ").And.Contain(nameof(FailingWriter)));
        });
    }

    [Test]
    public void ABadSearchFormatNamesTheOptionAndItsChoices()
    {
        (int exitCode, _, string errors) = CliRun.InvokeWithErrors("search", "--out", _directory.File("s.json"), "--format", "python");
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(errors.Trim(), Is.EqualTo("error: --format: 'python' is not one of extended, minference"));
        });
    }

    [Test]
    public void TheHelpDocumentsVerbose()
    {
        (int exitCode, string output) = CliRun.Invoke("--help");
        Assert.That(exitCode, Is.Zero);
        Assert.That(output, Does.Contain("--verbose"));
    }

    private string Expand(string argument) => argument
        .Replace(Input, _directory.File("input.safetensors"), StringComparison.Ordinal)
        .Replace(Config, _directory.File("config.json"), StringComparison.Ordinal)
        .Replace(SubFolder, _directory.File("sub"), StringComparison.Ordinal)
        .Replace(MissingFolder, _directory.File("missing"), StringComparison.Ordinal)
        .Replace(InputLink, _directory.File("input-link.safetensors"), StringComparison.Ordinal)
        .Replace(Folder, _directory.Path, StringComparison.Ordinal);

    /// <summary>Every entry under the directory with a hash of its content (directories: "dir").</summary>
    private Dictionary<string, string> Snapshot() => Directory
        .EnumerateFileSystemEntries(_directory.Path, "*", SearchOption.AllDirectories)
        .ToDictionary(
            path => Path.GetRelativePath(_directory.Path, path),
            path => Directory.Exists(path) ? "dir" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));

    private sealed class FailingWriter : StringWriter
    {
        public const string Message = "standard output failed (test)";

        public override void Write(char value) => throw new InvalidOperationException(Message);

        public override void Write(string? value) => throw new InvalidOperationException(Message);

        public override void Write(char[] buffer, int index, int count) => throw new InvalidOperationException(Message);
    }
}

namespace MInference.Tests.Cli;

/// <summary>
/// The folder the invalid-command-line tests start from: <c>input.safetensors</c> (64 tokens, one layer
/// of 2 query heads over 1 kv head, made by `generate`), <c>config.json</c> (a pattern file for it:
/// head 0 dense, head 1 <paramref name="secondHead"/>) and an empty folder <c>sub</c>.
/// </summary>
internal static class CliInputFolder
{
    public static TempDirectory Create(string secondHead)
    {
        var directory = new TempDirectory();
        (int generated, _) = CliRun.Invoke("generate", "--out", directory.File("input.safetensors"), "--seq", "64", "--layers", "1", "--heads", "2", "--kv-heads", "1");
        Assert.That(generated, Is.Zero);
        File.WriteAllText(directory.File("config.json"), $"[{{\"0\": [\"dense\", 0, 0, 1.0], \"1\": {secondHead}}}]");
        Directory.CreateDirectory(directory.File("sub"));
        return directory;
    }
}

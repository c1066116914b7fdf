using System.Text.Json;

namespace MInference.Tests.Cli;

[NonParallelizable]
public sealed class DemoCommandTests
{
    private static readonly string[] s_small = Small(layers: 2);

    [Test]
    public void CpuDemoJsonHasEveryFieldAndConsistentNumbers()
    {
        JsonElement demo = CliRun.Json([.. s_small, "--seq", "1024"]);
        Assert.That(demo.GetProperty("backend").GetString(), Does.StartWith("CPU reference"));
        Assert.That(demo.GetProperty("pattern_source").GetString(), Does.StartWith("search on a 1024-token prompt"));
        JsonElement model = demo.GetProperty("model");
        Assert.That(model.GetProperty("layers").GetInt32(), Is.EqualTo(2));
        JsonElement[] lengths = [.. demo.GetProperty("lengths").EnumerateArray()];
        Assert.That(lengths, Has.Length.EqualTo(1));
        JsonElement[] heads = DemoJsonChecks.CheckLength(lengths[0], layers: 2, heads: 8);
        Assert.Multiple(() =>
        {
            // The diffuse heads have no sparse structure: the search leaves them dense.
            Assert.That(heads.Where(head => head.GetProperty("kind").GetString() == "diffuse").Select(head => head.GetProperty("ran").GetString()), Is.All.EqualTo("dense"));
            Assert.That(heads.Count(head => head.GetProperty("density").GetDouble() < 1), Is.GreaterThan(8), "most heads run sparse");
            Assert.That(lengths[0].GetProperty("structured_rel_l2_max").GetDouble(), Is.LessThanOrEqualTo(0.05), "the search's error limit");
        });
    }

    [Test]
    public void SeveralLengthsAndPlotsWriteHeatMapsAndTheSpeedupChart()
    {
        using var directory = new TempDirectory();
        string plots = directory.File("plots");
        JsonElement demo = CliRun.Json([.. Small(layers: 1), "--seq", "256", "512", "--plot", plots, "--plot-heads", "0:0,0:7"]);
        string[] written = [.. demo.GetProperty("plots").EnumerateArray().Select(path => path.GetString()!)];
        Assert.That(written.Select(Path.GetFileName), Is.EquivalentTo(new[] { "layer00-head00.png", "layer00-head07.png", "speedup-vs-length.png" }));
        foreach (string path in written)
        {
            byte[] bytes = File.ReadAllBytes(path);
            Assert.That(bytes.Take(8), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), path);
        }

        Assert.That(demo.GetProperty("lengths").EnumerateArray().Select(length => length.GetProperty("seq").GetInt32()), Is.EqualTo(new[] { 256, 512 }));
    }

    [Test]
    public void ConfigFileReplacesTheSearch()
    {
        using var directory = new TempDirectory();
        string config = directory.File("patterns.json");
        string[] layer = ["[\"stream_llm\", 64, 128, 1.0]", "[\"dense\", 0, 0, 1.0]"];
        File.WriteAllText(config, "[" + string.Join(",", Enumerable.Range(0, 2).Select(_ =>
            "{" + string.Join(",", Enumerable.Range(0, 8).Select(head => $"\"{head}\": {layer[head % 2]}")) + "}")) + "]");
        JsonElement demo = CliRun.Json([.. s_small, "--seq", "512", "--config", config]);
        JsonElement[] heads = DemoJsonChecks.CheckLength(demo.GetProperty("lengths")[0], 2, 8);
        Assert.That(heads.Select(head => head.GetProperty("pattern").GetString()), Is.EqualTo(Enumerable.Range(0, 16).Select(i => i % 2 == 0 ? "stream_llm(64, 128)" : "dense")));
        Assert.That(demo.GetProperty("pattern_source").GetString(), Does.Contain(config));
    }

    [Test]
    public void ConfigOfTheWrongShapeIsAClearError()
    {
        using var directory = new TempDirectory();
        string config = directory.File("patterns.json");
        File.WriteAllText(config, "[{\"0\": [\"dense\", 0, 0, 1.0]}]");
        (int exitCode, _, string errors) = CliRun.InvokeWithErrors([.. s_small, "--seq", "256", "--config", config]);
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("patterns.json").And.Contain("layer"));
    }

    private static string[] Small(int layers) => ["demo", "--backend", "cpu", "--layers", $"{layers}", "--heads", "8", "--kv-heads", "2", "--head-dim", "64"];
}

using System.Text.Json;
using MInference.Cli.Plots;
using MInference.Tests.Plots;

namespace MInference.Tests.Cli;

public sealed class VideoCommandTests
{
    private static readonly string[] s_small =
        ["video", "--frames", "6", "--frame-height", "8", "--frame-width", "8", "--text", "90", "--heads", "2", "--kv-heads", "1", "--seed", "5"];

    [Test]
    public void JsonReportsTheGridFoundAndEveryHeadsPatterns()
    {
        JsonElement json = CliRun.Json([.. s_small, "--json"]);
        JsonElement[] heads = [.. json.GetProperty("head_results").EnumerateArray()];
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("sequence_length").GetInt32(), Is.EqualTo(60 + 384 + 30));
            Assert.That(heads, Has.Length.EqualTo(2));
            Assert.That(heads[0].GetProperty("kind").GetString(), Is.EqualTo("grid"));
            Assert.That(heads[0].GetProperty("stride").GetInt32(), Is.EqualTo(64), "one frame of 8 × 8 patches");
            Assert.That(heads[0].GetProperty("phase").GetInt32(), Is.EqualTo(5), "the seed's phase");
            JsonElement grid = heads[0].GetProperty("grid");
            Assert.That(grid.GetProperty("density").GetDouble(), Is.InRange(0.0, 0.6));
            Assert.That(grid.GetProperty("recall").GetDouble(), Is.GreaterThan(0.95), "a grid head keeps its mass");
            Assert.That(grid.GetProperty("relative_l2").GetDouble(), Is.LessThan(0.05));
            JsonElement verticalSlash = heads[0].GetProperty("vertical_slash");
            Assert.That(verticalSlash.GetProperty("density").GetDouble(), Is.EqualTo(grid.GetProperty("density").GetDouble()).Within(0.1), "sized to the grid's density");
            Assert.That(verticalSlash.GetProperty("relative_l2").GetDouble(), Is.GreaterThan(grid.GetProperty("relative_l2").GetDouble()), "a grid head is the grid pattern's case");
            Assert.That(heads[1].GetProperty("kind").GetString(), Is.EqualTo("text"));
            Assert.That(heads[1].GetProperty("boundary").GetProperty("recall").GetDouble(), Is.InRange(0.0, 1.0 + 1e-9));
        });
    }

    [Test]
    public void TheTableAndThePictureOfTheFirstGridHead()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"minference-video-plot-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(directory);
            string mapPath = Path.Combine(directory, "prompt.json");
            (int exitCode, string output) = CliRun.Invoke([.. s_small, "--plot", directory, "--modalities-out", mapPath]);
            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.Zero, output);
                Assert.That(output, Does.Contain("grid recall").And.Contain("2D rel.L2").And.Contain("VS rel.L2"));
                Assert.That(Directory.GetFiles(directory).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "prompt.json", "video-head00-grid.png" }));
                Assert.That(MInference.Multimodal.ModalityMapFile.Load(mapPath).SequenceLength, Is.EqualTo(60 + 384 + 30));
            });
            PngImage.AssertPng(Path.Combine(directory, "video-head00-grid.png"), PatternPlot.TripleWidth, PatternPlot.Height, minimumBytes: 20_000);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}

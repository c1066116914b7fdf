using System.Text.Json;
using MInference.Decode;

namespace MInference.Tests.Cli;

[NonParallelizable]
public sealed class DecodeCommandTests
{
    // Small enough for a second: 300-token prompts, head_dim 64, M = 32, 2 k-means iterations.
    private static readonly string[] s_small =
        ["decode", "--backend", "cpu", "--seq", "0", "300", "--heads", "4", "--kv-heads", "2", "--head-dim", "64", "--subspaces", "32", "--steps", "2", "--iterations", "2", "--sample-tokens", "256", "--top-k", "8"];

    [Test]
    public void JsonReportsEveryHeadOfEveryLength()
    {
        JsonElement json = CliRun.Json(s_small);
        JsonElement[] lengths = [.. json.GetProperty("lengths").EnumerateArray()];

        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("backend").GetString(), Is.EqualTo("cpu"));
            Assert.That(lengths.Select(length => length.GetProperty("seq").GetInt32()), Is.EqualTo(new[] { 0, 300 }));
            Assert.That(lengths[0].GetProperty("coded_tokens").GetInt32(), Is.Zero, "2 tokens: all in the window");
            Assert.That(lengths[0].GetProperty("mean_relative_l2").GetDouble(), Is.Zero, "nothing quantized: exact");
            Assert.That(lengths[0].GetProperty("mean_uniform_relative_l2").GetDouble(), Is.Zero, "nothing quantized: the baseline is exact too");
            Assert.That(lengths[1].GetProperty("coded_tokens").GetInt32(), Is.EqualTo(256), "302 tokens: 256 coded, 46 in the window");
            Assert.That(lengths[1].GetProperty("window_tokens").GetInt32(), Is.EqualTo(46));
            Assert.That(lengths[1].GetProperty("heads").GetArrayLength(), Is.EqualTo(4));
            Assert.That(lengths[1].GetProperty("mean_relative_l2").GetDouble(), Is.GreaterThan(0).And.LessThan(1));
            Assert.That(lengths[1].GetProperty("mean_uniform_relative_l2").GetDouble(), Is.GreaterThan(0).And.LessThan(1), "the uniform 4-bit baseline on the same 256 coded tokens");
            Assert.That(lengths[1].GetProperty("heads")[0].GetProperty("uniform_relative_l2").GetDouble(), Is.GreaterThan(0));
            Assert.That(lengths[1].GetProperty("mean_top_k_overlap").GetDouble(), Is.InRange(0.0, 1.0));
            Assert.That(lengths[1].GetProperty("compression").GetDouble(), Is.GreaterThan(1));
            Assert.That(lengths[1].GetProperty("ms_pq_step").GetDouble(), Is.GreaterThan(0), "the references' step time");
            Assert.That(lengths[1].GetProperty("ms_dense_step").GetDouble(), Is.GreaterThan(0));
        });
    }

    [Test]
    public void PlotWritesTheTimeChart()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"minference-decode-plot-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            (int exitCode, string output) = CliRun.Invoke([.. s_small, "--plot", directory]);
            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.Zero, output);
                Assert.That(Directory.GetFiles(directory).Select(Path.GetFileName), Is.EqualTo(new[] { "decode-time-vs-context.png" }));
                Assert.That(output, Does.Contain("ms/step PQ").And.Contain("ms/step dense"));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void TablesNameTheHeadsAndTheCodebooksCanBeSaved()
    {
        string path = Path.Combine(Path.GetTempPath(), $"minference-decode-{Guid.NewGuid():N}.safetensors");
        try
        {
            (int exitCode, string output) = CliRun.Invoke([.. s_small, "--codebooks-out", path]);
            PqCodebooks saved = PqCodebooks.Load(path);
            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.Zero, output);
                Assert.That(output, Does.Contain("rel.L2 vs exact").And.Contain("top-8 overlap").And.Contain("Summary"));
                Assert.That((saved.Subspaces, saved.HeadDim, saved.KvHeads), Is.EqualTo((32, 64, 2)));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void CapturedTensorsGiveTheShapeAndTheData()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"minference-decode-input-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            string input = Path.Combine(directory, "captured.safetensors");
            (int generated, string generateOutput) = CliRun.Invoke("generate", "--out", input, "--seq", "400", "--layers", "2", "--heads", "4", "--kv-heads", "2", "--head-dim", "64");
            Assert.That(generated, Is.Zero, generateOutput);
            JsonElement json = CliRun.Json(
                "decode", "--backend", "cpu", "--input", input, "--layer", "1", "--seq", "300", "--subspaces", "32", "--steps", "2", "--iterations", "2", "--sample-tokens", "256", "--json");
            JsonElement length = json.GetProperty("lengths")[0];
            Assert.Multiple(() =>
            {
                Assert.That(json.GetProperty("data").GetString(), Does.Contain("captured.safetensors, layer 1").And.Contain("in-sample"));
                Assert.That((json.GetProperty("heads").GetInt32(), json.GetProperty("kv_heads").GetInt32(), json.GetProperty("head_dim").GetInt32()), Is.EqualTo((4, 2, 64)), "from the file");
                Assert.That(length.GetProperty("coded_tokens").GetInt32(), Is.EqualTo(256), "302 tokens: 256 coded");
                Assert.That(length.GetProperty("mean_relative_l2").GetDouble(), Is.GreaterThan(0).And.LessThan(2));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

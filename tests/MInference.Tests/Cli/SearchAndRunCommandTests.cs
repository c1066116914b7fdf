using System.Text.Json;
using MInference.Evaluation;
using MInference.IO;
using MInference.Multimodal;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Tests.Cli;

/// <summary>generate → search → run, end to end on the CPU backend, against direct library calls.</summary>
[NonParallelizable]
public sealed class SearchAndRunCommandTests
{
    private const string Length = "1024";

    [Test]
    public void SearchPicksThePlantedPatternAndItsConfigRoundTrips()
    {
        using var directory = new TempDirectory();
        string config = directory.File("patterns.json");
        JsonElement search = CliRun.Json("search", "--backend", "cpu", "--layers", "1", "--heads", "8", "--kv-heads", "2", "--head-dim", "64", "--seq", Length, "--out", config);
        JsonElement[] heads = [.. search.GetProperty("heads").EnumerateArray()];
        string[] chosen = [.. heads.Select(head => head.GetProperty("chosen").GetString()!)];

        // Layer 0 cycles through the kinds: sink-local, slash-vertical, mixture, vertical-local, sink-local, slash-vertical, mixture, diffuse.
        Assert.Multiple(() =>
        {
            Assert.That(chosen[0], Does.StartWith(AShapePattern.Name), "sinks + local band: A-shape");
            Assert.That(chosen[4], Does.StartWith(AShapePattern.Name), "sinks + local band: A-shape");
            Assert.That(chosen[1], Does.StartWith(VerticalSlashPattern.Name), "diagonals + verticals: Vertical-Slash");
            Assert.That(chosen[5], Does.StartWith(VerticalSlashPattern.Name), "diagonals + verticals: Vertical-Slash");
            Assert.That(chosen[7], Is.EqualTo(DensePattern.Name), "no structure: dense");
            Assert.That(heads.Select(head => head.GetProperty("candidates").GetArrayLength()), Is.All.EqualTo(SearchCandidates.For(1024).Count));
        });

        HeadPatternConfig loaded = HeadPatternConfig.Load(config, 1, 8);
        Assert.That(loaded.GetLayer(0).Select(entry => entry.Pattern.ToString()), Is.EqualTo(chosen));
        string again = directory.File("again.json");
        CliRun.Json("search", "--backend", "cpu", "--layers", "1", "--heads", "8", "--kv-heads", "2", "--head-dim", "64", "--seq", Length, "--out", again);
        Assert.That(File.ReadAllBytes(again), Is.EqualTo(File.ReadAllBytes(config)), "deterministic given the input");
    }

    [Test]
    public void SearchWritesTheMInferenceFormOnRequest()
    {
        using var directory = new TempDirectory();
        string extended = directory.File("extended.json");
        string minference = directory.File("minference.json");
        string[] search = ["search", "--backend", "cpu", "--layers", "1", "--heads", "8", "--kv-heads", "2", "--head-dim", "64", "--seq", Length];
        CliRun.Json([.. search, "--out", extended]);
        CliRun.Json([.. search, "--format", "minference", "--out", minference]);

        HeadPatternEntry[] searched = [.. HeadPatternConfig.Load(extended, 1, 8).GetLayer(0)];
        HeadPatternEntry[] written = [.. HeadPatternConfig.Load(minference, 1, 8).GetLayer(0)];
        HeadPattern denseCover = new VerticalSlashPattern(1024, 1024);
        Assert.Multiple(() =>
        {
            Assert.That(searched.Select(entry => entry.Pattern), Has.Some.InstanceOf<DensePattern>(), "the diffuse head stays dense, so the test covers the rewrite");
            Assert.That(File.ReadAllText(minference), Does.Not.Contain("\"dense\""));
            Assert.That(written, Is.EqualTo(searched.Select(entry => entry.Pattern is DensePattern ? new HeadPatternEntry(denseCover, entry.Score) : entry)),
                "dense heads become vertical_and_slash(sample, sample); the rest is unchanged");
        });
    }

    [Test]
    public void AVideoCaptureGetsGridHeadsThroughSearchAndRun()
    {
        using var directory = new TempDirectory();
        string tensors = directory.File("video.safetensors");
        string map = directory.File("video-map.json");
        string config = directory.File("patterns.json");
        (int written, _) = CliRun.Invoke("video", "--tensors-out", tensors, "--modalities-out", map);
        Assert.That(written, Is.Zero);
        JsonElement search = CliRun.Json("search", "--backend", "cpu", "--input", tensors, "--modalities", map, "--out", config);
        string[] chosen = [.. search.GetProperty("heads").EnumerateArray().Select(head => head.GetProperty("chosen").GetString()!)];
        JsonElement run = CliRun.Json("run", "--backend", "cpu", "--input", tensors, "--config", config, "--modalities", map, "--min-seq", "0", "--min-seq-estimated", "0");
        JsonElement[] heads = [.. run.GetProperty("result").GetProperty("heads").EnumerateArray()];
        Assert.Multiple(() =>
        {
            // The video prompt's heads cycle grid, text, q-boundary, k-boundary, 2d-boundary, grid.
            Assert.That(chosen[0], Does.StartWith(GridPattern.Name), "a planted grid head gets the grid pattern");
            Assert.That(chosen[5], Does.StartWith(GridPattern.Name), "a planted grid head gets the grid pattern");
            Assert.That(File.ReadAllText(config), Does.Contain("[\"grid\", "), "the extended format names grid heads");
            foreach (int head in (int[])[0, 5])
            {
                Assert.That(heads[head].GetProperty("ran").GetString(), Does.StartWith("grid"), $"head {head} ran its grid pattern");
                Assert.That(heads[head].GetProperty("relative_l2").GetDouble(), Is.LessThan(0.05), $"head {head} error against dense");
            }
        });
        (int refused, _, string errors) = CliRun.InvokeWithErrors("search", "--backend", "cpu", "--input", tensors, "--modalities", map, "--format", "minference", "--out", directory.File("m.json"));
        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.Not.Zero, "grid heads have no MInference form");
            Assert.That(errors, Does.Contain("--format extended"));
        });
    }

    [Test]
    public void RunOnAGeneratedFileReproducesTheLibraryCall()
    {
        using var directory = new TempDirectory();
        string tensors = directory.File("sample.safetensors");
        string config = directory.File("patterns.json");
        string outputs = directory.File("out.safetensors");
        (int generated, _) = CliRun.Invoke("generate", "--out", tensors, "--seq", Length, "--layers", "2", "--heads", "4", "--kv-heads", "1", "--head-dim", "64");
        Assert.That(generated, Is.Zero);
        CliRun.Json("search", "--backend", "cpu", "--input", tensors, "--out", config);
        JsonElement run = CliRun.Json("run", "--backend", "cpu", "--input", tensors, "--config", config, "--output", outputs, "--min-seq", "0", "--min-seq-estimated", "0");
        DemoJsonChecks.CheckLength(run.GetProperty("result"), layers: 2, heads: 4);

        HeadPatternConfig patterns = HeadPatternConfig.Load(config, 2, 4);
        using SafetensorsFile input = SafetensorsFile.Open(tensors);
        using SafetensorsFile written = SafetensorsFile.Open(outputs);
        using var backend = new CpuPrefillBackend();
        var policy = new SparsePrefillOptions { MinSequenceLength = 0, MinEstimatedSequenceLength = 0 };
        for (int layer = 0; layer < 2; layer++)
        {
            LayerInputs inputs = LayerInputs.RoundedTo(
                DType.BFloat16, Read(input, $"layers.{layer}.q", 4), Read(input, $"layers.{layer}.k", 1), Read(input, $"layers.{layer}.v", 1));
            using IPrefillLayer loaded = backend.Load(inputs);
            LayerRun sparse = loaded.Sparse([.. patterns.GetLayer(layer).Select(entry => entry.Pattern)], policy);
            LayerRun dense = loaded.Dense();
            Assert.Multiple(() =>
            {
                Assert.That(written.ReadAsSingle($"layers.{layer}.o"), Is.EqualTo(sparse.Output), $"layer {layer} sparse output");
                Assert.That(written.ReadAsSingle($"layers.{layer}.o_dense"), Is.EqualTo(dense.Output), $"layer {layer} dense output");
                Assert.That(written.ReadAsSingle($"layers.{layer}.lse"), Is.EqualTo(sparse.LogSumExp), $"layer {layer} log-sum-exp");
                Assert.That(written.Get($"layers.{layer}.o").Shape, Is.EqualTo(new long[] { 1, 4, 1024, 64 }));
            });
        }
    }

    [Test]
    public void EveryInvocationWritesToTheCurrentStandardOutput()
    {
        // Regression: a console cached at first use kept writing to the first invocation's (disposed) writer.
        using var directory = new TempDirectory();
        for (int i = 0; i < 2; i++)
        {
            (int exitCode, string output) = CliRun.Invoke("generate", "--out", directory.File($"g{i}.safetensors"), "--seq", "64", "--layers", "1", "--heads", "2", "--kv-heads", "1");
            Assert.That(exitCode, Is.Zero);
            Assert.That(output, Does.Contain($"g{i}.safetensors"));
        }
    }

    [Test]
    public void RunRejectsAMalformedFileWithoutCrashing()
    {
        using var directory = new TempDirectory();
        string tensors = directory.File("broken.safetensors");
        string config = directory.File("patterns.json");
        File.WriteAllText(config, "[{\"0\": [\"dense\", 0, 0, 1.0]}]");
        File.WriteAllBytes(tensors, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, (byte)'{']);
        (int exitCode, string output, string errors) = CliRun.InvokeWithErrors("run", "--backend", "cpu", "--input", tensors, "--config", config, "--output", directory.File("out.safetensors"));
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(errors, Does.Contain("broken.safetensors").And.Contain("header length"));
            Assert.That(output, Is.Empty);
            Assert.That(File.Exists(directory.File("out.safetensors")), Is.False, "nothing written on failure");
        });
    }

    [Test]
    public void RunNamesAMissingTensor()
    {
        using var directory = new TempDirectory();
        string tensors = directory.File("partial.safetensors");
        SafetensorsWriter.Write(tensors, [SafetensorsTensor.FromSingle("layers.0.q", [1, 2, 64, 64], new float[2 * 64 * 64])]);
        File.WriteAllText(directory.File("p.json"), "[{\"0\": [\"dense\", 0, 0, 1.0], \"1\": [\"dense\", 0, 0, 1.0]}]");
        (int exitCode, _, string errors) = CliRun.InvokeWithErrors("run", "--backend", "cpu", "--input", tensors, "--config", directory.File("p.json"));
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(errors, Does.Contain("layers.0.k"));
    }

    private static ReadOnlyHostTensor Read(SafetensorsFile file, string name, int heads) =>
        new(file.ReadAsSingle(name), TensorLayout.Bhsd(1, heads, 1024, 64));
}

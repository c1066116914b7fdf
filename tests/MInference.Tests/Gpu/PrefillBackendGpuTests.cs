using MInference.Prefill;
using MInference.Evaluation;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Tests.Cli;

namespace MInference.Tests.Gpu;

/// <summary>The GPU backend against the CPU backend, and the CLI's commands on the GPU.</summary>
[NonParallelizable]
public sealed class PrefillBackendGpuTests : GpuFixture
{
    private static readonly HeadPattern[] s_everyKind =
    [
        new AShapePattern(64, 128), new VerticalSlashPattern(100, 128), new BlockSparsePattern(4), new DensePattern(),
        new VerticalSlashPattern(100, 128), new AShapePattern(64, 128), new BlockSparsePattern(4), new VerticalSlashPattern(200, 256),
    ];

    [TestCase(DType.BFloat16, 64)]
    [TestCase(DType.Float16, 128)]
    public void GpuBackendMatchesTheCpuBackendHeadByHead(DType dtype, int headDim)
    {
        LayerInputs inputs = new MInference.Cli.Prefill.SyntheticModel(1, 8, 2, headDim, dtype, Seed: 5).GenerateLayer(0, 1000);
        using var gpu = new GpuPrefillBackend(timedRuns: 1);
        using var cpu = new CpuPrefillBackend();
        using IPrefillLayer onGpu = gpu.Load(inputs);
        using IPrefillLayer onCpu = cpu.Load(inputs);
        var policy = new SparsePrefillOptions { CostModel = PrefillCostModel.SparseAlways, MaxDensity = 1 };
        LayerRun gpuSparse = onGpu.Sparse(s_everyKind, policy);
        LayerRun cpuSparse = onCpu.Sparse(s_everyKind, policy);
        LayerRun gpuDense = onGpu.Dense();
        LayerRun cpuDense = onCpu.Dense();
        Tolerance tolerance = Tolerance.For(dtype);
        Assert.Multiple(() =>
        {
            for (int head = 0; head < 8; head++)
            {
                HeadAccuracy sparse = HeadAccuracy.Compare(inputs, cpuSparse, gpuSparse, head);
                HeadAccuracy dense = HeadAccuracy.Compare(inputs, cpuDense, gpuDense, head);
                Assert.That(sparse.RelativeL2, Is.LessThanOrEqualTo(tolerance.RelativeL2Error), $"head {head} {s_everyKind[head]} sparse");
                Assert.That(sparse.MaxAbs, Is.LessThanOrEqualTo(tolerance.MaxAbsoluteError), $"head {head} sparse max-abs");
                Assert.That(dense.RelativeL2, Is.LessThanOrEqualTo(tolerance.RelativeL2Error), $"head {head} dense");
                Assert.That(sparse.Recall, Is.EqualTo(1).Within(1e-3), $"head {head}: same entries, same log-sum-exp");
                Assert.That(gpuSparse.Heads[head].Density, Is.EqualTo(cpuSparse.Heads[head].Density).Within(1e-12), $"head {head}: same index");
            }
        });
    }

    [Test]
    public void GpuDemoJsonIsConsistentAndAccurate()
    {
        System.Text.Json.JsonElement demo = CliRun.Json("demo", "--backend", "gpu", "--layers", "2", "--seq", "8192", "--timed-runs", "3");
        Assert.That(demo.GetProperty("backend").GetString(), Does.StartWith("GPU"));
        System.Text.Json.JsonElement length = demo.GetProperty("lengths")[0];
        DemoJsonChecks.CheckLength(length, layers: 2, heads: 8, exactDenseHeads: false);
        Assert.That(length.GetProperty("structured_rel_l2_max").GetDouble(), Is.LessThanOrEqualTo(0.06), "the search's 5 % limit, measured on a sample");
    }

    [Test]
    public void GpuRunReproducesTheLibraryCall()
    {
        using var directory = new TempDirectory();
        string tensors = directory.File("sample.safetensors");
        string config = directory.File("patterns.json");
        string outputs = directory.File("out.safetensors");
        Assert.That(CliRun.Invoke("generate", "--out", tensors, "--seq", "8192", "--layers", "1", "--heads", "8", "--kv-heads", "2", "--head-dim", "128").ExitCode, Is.Zero);
        CliRun.Json("search", "--backend", "gpu", "--input", tensors, "--out", config);
        CliRun.Json("run", "--backend", "gpu", "--input", tensors, "--config", config, "--output", outputs, "--timed-runs", "2", "--min-seq-estimated", "0");

        using var input = MInference.IO.SafetensorsFile.Open(tensors);
        using var written = MInference.IO.SafetensorsFile.Open(outputs);
        LayerInputs inputs = LayerInputs.RoundedTo(
            DType.BFloat16,
            new(input.ReadAsSingle("layers.0.q"), TensorLayout.Bhsd(1, 8, 8192, 128)),
            new(input.ReadAsSingle("layers.0.k"), TensorLayout.Bhsd(1, 2, 8192, 128)),
            new(input.ReadAsSingle("layers.0.v"), TensorLayout.Bhsd(1, 2, 8192, 128)));
        using var gpu = new GpuPrefillBackend(timedRuns: 1);
        using IPrefillLayer layer = gpu.Load(inputs);
        LayerRun sparse = layer.Sparse([.. HeadPatternConfig.Load(config, 1, 8).GetLayer(0).Select(entry => entry.Pattern)], new SparsePrefillOptions { MinEstimatedSequenceLength = 0 });
        Assert.That(written.ReadAsSingle("layers.0.o"), Is.EqualTo(sparse.Output), "the kernels are deterministic");
    }

    [Test]
    public void GpuSearchPicksThePlantedPatterns()
    {
        using var directory = new TempDirectory();
        System.Text.Json.JsonElement search = CliRun.Json("search", "--backend", "gpu", "--layers", "1", "--seq", "32768", "--out", directory.File("p.json"));
        string[] chosen = [.. search.GetProperty("heads").EnumerateArray().Select(head => head.GetProperty("chosen").GetString()!)];
        Assert.Multiple(() =>
        {
            Assert.That(chosen[0], Does.StartWith(AShapePattern.Name));
            Assert.That(chosen[4], Does.StartWith(AShapePattern.Name));
            Assert.That(chosen[1], Does.StartWith(VerticalSlashPattern.Name));
            Assert.That(chosen[5], Does.StartWith(VerticalSlashPattern.Name));
            Assert.That(chosen[7], Is.EqualTo(DensePattern.Name));
        });
    }
}

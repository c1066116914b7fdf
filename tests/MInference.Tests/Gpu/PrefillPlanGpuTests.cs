using MInference.Evaluation;
using MInference.Interop;
using MInference.Prefill;
using MInference.Sparse.Gpu;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Tests.Gpu;

/// <summary>
/// <see cref="SparsePrefillPlan"/> on the GPU: a graph replay computes what the eager run computes
/// (also on new input values), a run allocates nothing, q, k and v packed in one allocation are
/// accepted everywhere they are legal, and the GPU and CPU backends make the same fallback
/// decisions under one cost model.
/// </summary>
public sealed class PrefillPlanGpuTests : GpuFixture
{
    private static readonly SparsePrefillOptions s_sparse = new() { CostModel = PrefillCostModel.SparseAlways, MaxDensity = 1, KeepIndices = true };

    /// <summary>Layers with every kind of pattern (GQA 8 over 2, batch 2), each routed a different way.</summary>
    public static IEnumerable<TestCaseData> Mixes()
    {
        yield return new TestCaseData(new SparsePrefillCase(DType.BFloat16, 128, Batch: 2, SequenceLength: 1000), SparsePrefillCase.MixedLayer, s_sparse)
            .SetArgDisplayNames("bf16 D128 B2 N1000, every head sparse");
        yield return new TestCaseData(new SparsePrefillCase(DType.Float16, 64, Batch: 2, SequenceLength: 1000, MemoryOrder.Bshd), SparsePrefillCase.MixedLayer, s_sparse with { MaxDensity = 0.05 })
            .SetArgDisplayNames("fp16 D64 B2 N1000 BSHD, sparse heads routed dense (vertical-slash on the device)");
        yield return new TestCaseData(new SparsePrefillCase(DType.BFloat16, 64, Batch: 2, SequenceLength: 4097), SparsePrefillCase.MixedLayer, s_sparse with { MaxDensity = 0.3 })
            .SetArgDisplayNames("bf16 D64 B2 N4097, density limit 0.3");
        yield return new TestCaseData(new SparsePrefillCase(DType.Float16, 128, Batch: 2, SequenceLength: 2048), SparsePrefillCase.MixedLayer, s_sparse with { CostModel = PrefillCostModel.H100 })
            .SetArgDisplayNames("fp16 D128 B2 N2048, the H100 cost model");
        yield return new TestCaseData(new SparsePrefillCase(DType.BFloat16, 64, Batch: 2, SequenceLength: 1000, MemoryOrder.Bshd), SparsePrefillCase.MixedLayer, s_sparse with { ConcurrentGroups = false, MaxDensity = 0.3 })
            .SetArgDisplayNames("bf16 D64 B2 N1000 BSHD, groups in order on one stream");
        yield return new TestCaseData(new SparsePrefillCase(DType.BFloat16, 128, Batch: 2, SequenceLength: 1000), SparsePrefillCase.GridLayer, s_sparse with { Modalities = SparsePrefillCase.VideoPrompt(1000) })
            .SetArgDisplayNames("bf16 D128 B2 N1000, grid heads with a modality map");
        yield return new TestCaseData(new SparsePrefillCase(DType.Float16, 96, Batch: 1, SequenceLength: 4097, MemoryOrder.Bshd), SparsePrefillCase.GridLayer, s_sparse)
            .SetArgDisplayNames("fp16 D96 B1 N4097 BSHD, grid heads without a map (small strides)");
        yield return new TestCaseData(new SparsePrefillCase(DType.BFloat16, 64, Batch: 2, SequenceLength: 1000), SparsePrefillCase.VideoLayer, s_sparse with { Modalities = SparsePrefillCase.VideoPrompt(1000) })
            .SetArgDisplayNames("bf16 D64 B2 N1000, grid and boundary heads");
    }

    [TestCaseSource(nameof(Mixes))]
    public void AGraphReplayComputesWhatTheEagerRunComputes(SparsePrefillCase testCase, HeadPattern[] patterns, SparsePrefillOptions options)
    {
        using var layer = new SparsePrefillLayer(Context, testCase, seed: 31);
        using var other = new SparsePrefillLayer(Context, testCase, seed: 32);
        using var plan = SparsePrefillPlan.Create(Context, PrefillShape.Of(layer.Q, layer.K), patterns, options);

        plan.Run(layer.Q, layer.K, layer.V, layer.Output, layer.LogSumExp);
        (float[] Output, float[] LogSumExp) eager = layer.Download();
        SparsePrefillReport eagerReport = plan.ReadReport();

        using PrefillGraph graph = plan.CaptureGraph(layer.Q, layer.K, layer.V, layer.Output, layer.LogSumExp);
        Poison(layer);
        graph.Launch();
        (float[] Output, float[] LogSumExp) replay = layer.Download();
        SparsePrefillReport replayReport = plan.ReadReport();
        layer.AssertMatches(replay, eager, "replay vs eager");
        layer.AssertMatches(replay, layer.Reference(replayReport), "replay vs the CPU reference on its indices");
        Assert.That(replayReport.DenseHeads.ToArray(), Is.EqualTo(eagerReport.DenseHeads.ToArray()), "same routes");

        // New values in the captured buffers: the replay must read them, not the captured ones.
        plan.Run(other.Q, other.K, other.V, other.Output, other.LogSumExp);
        (float[] Output, float[] LogSumExp) otherEager = other.Download();
        other.Q.Buffer.CopyTo(layer.Q.Buffer);
        other.K.Buffer.CopyTo(layer.K.Buffer);
        other.V.Buffer.CopyTo(layer.V.Buffer);
        Poison(layer);
        graph.Launch();
        (float[] Output, float[] LogSumExp) otherReplay = layer.Download();
        layer.AssertMatches(otherReplay, otherEager, "replay on new values vs eager");
        Assert.That(otherReplay.Output, Is.Not.EqualTo(replay.Output), "the replay read the new values");
    }

    [Test]
    public void RunsOnTheSameOperandsReplayAGraphAndRunsOnOthersDoNot()
    {
        var testCase = new SparsePrefillCase(DType.BFloat16, 128, Batch: 2, SequenceLength: 1000);
        using var layer = new SparsePrefillLayer(Context, testCase, seed: 37);
        using var other = new SparsePrefillLayer(Context, testCase, seed: 38);
        using var plan = SparsePrefillPlan.Create(Context, PrefillShape.Of(layer.Q, layer.K), SparsePrefillCase.MixedLayer, s_sparse);
        using var eagerPlan = SparsePrefillPlan.Create(Context, PrefillShape.Of(layer.Q, layer.K), SparsePrefillCase.MixedLayer, s_sparse with { ReplayGraphs = false });

        eagerPlan.Run(other.Q, other.K, other.V, other.Output, other.LogSumExp);
        (float[] Output, float[] LogSumExp) otherExpected = other.Download();
        eagerPlan.Run(layer.Q, layer.K, layer.V, layer.Output, layer.LogSumExp);
        (float[] Output, float[] LogSumExp) expected = layer.Download();

        for (int run = 0; run < 4; run++)
        {
            // Run 1 is eager, run 2 captures and replays, runs 3 and 4 replay.
            Poison(layer);
            plan.Run(layer.Q, layer.K, layer.V, layer.Output, layer.LogSumExp);
            layer.AssertMatches(layer.Download(), expected, $"run {run + 1} on the same operands");
        }

        Poison(other);
        plan.Run(other.Q, other.K, other.V, other.Output, other.LogSumExp);
        other.AssertMatches(other.Download(), otherExpected, "a run on other operands is not a replay");
        other.AssertMatches(other.Download(), other.Reference(plan.ReadReport()), "and reports its own indices");
    }

    [Test]
    public void AContextWrapsAStreamCreatedElsewhereAndLeavesItAlive()
    {
        var testCase = new SparsePrefillCase(DType.BFloat16, 64, Batch: 1, SequenceLength: 1000);
        using var layer = new SparsePrefillLayer(Context, testCase, seed: 39);
        layer.Download(); // the poisoning fills on the fixture's stream are done before another stream writes
        MiStatus.ThrowIfFailed(MiNative.mi_stream_create(out StreamHandle foreign)); // as PyTorch or TensorRT would own one
        using (foreign)
        {
            (float[] Output, float[] LogSumExp) actual;
            SparsePrefillReport report;
            using (GpuContext wrapped = GpuContext.ForStream(foreign.DangerousGetHandle()))
            {
                Assert.That(wrapped.OwnsStream, Is.False);
                using var plan = SparsePrefillPlan.Create(wrapped, PrefillShape.Of(layer.Q, layer.K), SparsePrefillCase.MixedLayer, s_sparse);
                plan.Run(layer.Q, layer.K, layer.V, layer.Output, layer.LogSumExp);
                report = plan.ReadReport();
                actual = layer.Download();
            }

            Assert.That(MiNative.mi_stream_synchronize(foreign), Is.EqualTo(MiStatusCode.Ok), "the wrapped stream outlives the context");
            layer.AssertMatches(actual, layer.Reference(report), "on a wrapped stream");
        }
    }

    [Test]
    public void ARunAndAReplayAllocateNothing()
    {
        var testCase = new SparsePrefillCase(DType.BFloat16, 64, Batch: 2, SequenceLength: 2048);
        using var layer = new SparsePrefillLayer(Context, testCase, seed: 33);
        using var plan = SparsePrefillPlan.Create(Context, PrefillShape.Of(layer.Q, layer.K), SparsePrefillCase.MixedLayer, s_sparse with { KeepIndices = false });
        plan.Run(layer.Q, layer.K, layer.V, layer.Output, layer.LogSumExp);
        Context.Synchronize();

        long before = MiNative.mi_allocation_count();
        for (int run = 0; run < 3; run++)
        {
            plan.Run(layer.Q, layer.K, layer.V, layer.Output, layer.LogSumExp);
        }

        using (PrefillGraph graph = plan.CaptureGraph(layer.Q, layer.K, layer.V, layer.Output, layer.LogSumExp))
        {
            graph.Launch();
            graph.Launch();
        }

        Context.Synchronize();
        Assert.That(MiNative.mi_allocation_count(), Is.EqualTo(before), "device allocations during runs and replays");
    }

    [Test]
    public void ACallerWorkspaceIsUsedAndATooSmallOneIsRejected()
    {
        var testCase = new SparsePrefillCase(DType.BFloat16, 64, Batch: 1, SequenceLength: 1000);
        using var layer = new SparsePrefillLayer(Context, testCase, seed: 34);
        var shape = PrefillShape.Of(layer.Q, layer.K);
        long bytes = SparsePrefillPlan.WorkspaceSize(Context, shape, SparsePrefillCase.MixedLayer, s_sparse);
        using var workspace = new DeviceBuffer(Context, bytes);
        using var tooSmall = new DeviceBuffer(Context, bytes - 256);

        long before = MiNative.mi_allocation_count();
        using var plan = SparsePrefillPlan.Create(Context, shape, SparsePrefillCase.MixedLayer, s_sparse, workspace);
        plan.Run(layer.Q, layer.K, layer.V, layer.Output, layer.LogSumExp);
        (float[] Output, float[] LogSumExp) actual = layer.Download();
        Assert.Multiple(() =>
        {
            Assert.That(plan.WorkspaceBytes, Is.EqualTo(bytes));
            Assert.That(MiNative.mi_allocation_count(), Is.EqualTo(before), "the caller's workspace, nothing else");
            Assert.That(() => SparsePrefillPlan.Create(Context, shape, SparsePrefillCase.MixedLayer, s_sparse, tooSmall),
                Throws.ArgumentException.With.Message.Contains($"this plan needs {bytes}"));
        });
        layer.AssertMatches(actual, layer.Reference(plan.ReadReport()), "caller workspace");
    }

    [Test]
    public void OperandsOfAnotherShapeAreRejectedBeforeAnyLaunch()
    {
        var testCase = new SparsePrefillCase(DType.BFloat16, 64, Batch: 1, SequenceLength: 1000);
        using var layer = new SparsePrefillLayer(Context, testCase, seed: 35);
        using var longer = new SparsePrefillLayer(Context, testCase with { SequenceLength = 1024 }, seed: 35);
        using var plan = SparsePrefillPlan.Create(Context, PrefillShape.Of(layer.Q, layer.K), SparsePrefillCase.MixedLayer, s_sparse);
        Assert.Multiple(() =>
        {
            Assert.That(() => plan.Run(longer.Q, longer.K, longer.V, longer.Output, longer.LogSumExp),
                Throws.ArgumentException.With.Message.Contains("this plan runs BFloat16 [B=1, H=8, Hkv=2, N=1000, D=64]"));
            Assert.That(() => plan.ReadReport(), Throws.InvalidOperationException.With.Message.Contains("has not run yet"));
        });
    }

    [TestCase(DType.BFloat16, 128)]
    [TestCase(DType.Float16, 64)]
    public void QueriesKeysAndValuesPackedInOneAllocationAreAccepted(DType dtype, int headDim)
    {
        var testCase = new SparsePrefillCase(dtype, headDim, Batch: 2, SequenceLength: 1000, MemoryOrder.Bshd);
        using var layer = new SparsePrefillLayer(Context, testCase, seed: 36);
        const int Heads = SparsePrefillCase.QueryHeads;
        const int KvHeads = SparsePrefillCase.KvHeads;
        int n = testCase.SequenceLength;
        int packedHeads = Heads + (2 * KvHeads);

        // A fused QKV projection's output: [B, N, H + 2·Hkv, D], q, k and v as strided views of it.
        var packed = new ushort[(long)testCase.Batch * n * packedHeads * headDim];
        Pack(layer.HostQ, 0);
        Pack(layer.HostK, Heads);
        Pack(layer.HostV, Heads + KvHeads);
        using DeviceBuffer buffer = Upload<ushort>(packed);
        DeviceTensor View(int heads, int firstHead) => new(
            buffer, dtype, new TensorLayout([testCase.Batch, heads, n, headDim], [(nint)n * packedHeads * headDim, headDim, packedHeads * headDim, 1]), (long)firstHead * headDim);
        DeviceTensor q = View(Heads, 0), k = View(KvHeads, Heads), v = View(KvHeads, Heads + KvHeads);

        using var plan = SparsePrefillPlan.Create(Context, PrefillShape.Of(q, k), SparsePrefillCase.MixedLayer, s_sparse);
        plan.Run(q, k, v, layer.Output, layer.LogSumExp);
        (float[] Output, float[] LogSumExp) actual = layer.Download();
        Assert.Multiple(() =>
        {
            using DeviceVerticalSlashIndex index = VerticalSlashGpu.BuildIndex(Context, q, k, [0, 2, 6], SparsePrefillCase.VerticalSlash);
            using DeviceCsrIndex blocks = BlockSparseGpu.Estimate(Context, q, k, [3], SparsePrefillCase.BlockSparse);
            Assert.That(index.Heads.ToArray(), Is.EqualTo(new[] { 0, 2, 6 }), "vertical-slash estimation takes packed q and k");
            Assert.That(blocks.RowCount, Is.EqualTo(2L * SparseBlocks.Count(n)), "block-sparse estimation takes packed q and k");
        });
        layer.AssertMatches(actual, layer.Reference(plan.ReadReport()), "packed QKV");

        void Pack(ReadOnlyHostTensor tensor, int firstHead)
        {
            var bits = new ushort[tensor.Layout.RequiredElementCount];
            HalfPrecision.Encode(tensor.Data.Span, bits, dtype);
            ReadOnlySpan<nint> lengths = tensor.Layout.Lengths;
            for (int b = 0; b < lengths[0]; b++)
            {
                for (int h = 0; h < lengths[1]; h++)
                {
                    for (int s = 0; s < lengths[2]; s++)
                    {
                        long source = tensor.Layout.GetOffset(b, h, s, 0);
                        long target = ((((long)b * n) + s) * packedHeads + firstHead + h) * headDim;
                        bits.AsSpan((int)source, headDim).CopyTo(packed.AsSpan((int)target, headDim));
                    }
                }
            }
        }
    }

    /// <summary>The cost models and limits under which both backends must route every head alike.</summary>
    public static IEnumerable<TestCaseData> DecisionPolicies()
    {
        yield return new TestCaseData(new SparsePrefillOptions { CostModel = PrefillCostModel.SparseAlways, MaxDensity = 0.15 }).SetArgDisplayNames("density limit 0.15");
        yield return new TestCaseData(new SparsePrefillOptions { CostModel = PrefillCostModel.H100 }).SetArgDisplayNames("H100 costs");
        yield return new TestCaseData(new SparsePrefillOptions { CostModel = PrefillCostModel.CpuReference, MaxDensity = 0.3 }).SetArgDisplayNames("CPU costs, limit 0.3");
        yield return new TestCaseData(new SparsePrefillOptions { CostModel = PrefillCostModel.H100 with { VerticalSlashColumnTile = 40, VerticalSlashBlockTile = 12 } })
            .SetArgDisplayNames("H100 costs, expensive vertical-slash tiles");
    }

    [TestCaseSource(nameof(DecisionPolicies))]
    public void BothBackendsMakeTheSameDecisionsUnderOneCostModel(SparsePrefillOptions policy)
    {
        LayerInputs inputs = new MInference.Cli.Prefill.SyntheticModel(1, 8, 2, 64, DType.BFloat16, Seed: 7).GenerateLayer(0, 4096);
        HeadPattern[] patterns =
        [
            new AShapePattern(64, 512), new VerticalSlashPattern(100, 256), new BlockSparsePattern(8), new DensePattern(),
            new VerticalSlashPattern(100, 1024), new AShapePattern(64, 2048), new BlockSparsePattern(24), new VerticalSlashPattern(30, 2048),
        ];
        using var gpu = new GpuPrefillBackend(timedRuns: 1);
        using var cpu = new CpuPrefillBackend();
        using IPrefillLayer onGpu = gpu.Load(inputs);
        using IPrefillLayer onCpu = cpu.Load(inputs);
        LayerRun gpuRun = onGpu.Sparse(patterns, policy);
        LayerRun cpuRun = onCpu.Sparse(patterns, policy);
        Assert.Multiple(() =>
        {
            for (int head = 0; head < patterns.Length; head++)
            {
                Assert.That(gpuRun.Heads[head].Fallback, Is.EqualTo(cpuRun.Heads[head].Fallback), $"head {head} {patterns[head]}");
                Assert.That(gpuRun.Heads[head].Density, Is.EqualTo(cpuRun.Heads[head].Density).Within(1e-9), $"head {head}: density");
            }
        });
    }

    private static void Poison(SparsePrefillLayer layer)
    {
        layer.Output.Buffer.Fill(0xFF);
        layer.LogSumExp.Fill(0xFF);
    }
}

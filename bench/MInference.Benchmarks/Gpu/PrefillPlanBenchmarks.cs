using BenchmarkDotNet.Attributes;
using MInference.Prefill;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Benchmarks.Gpu;

/// <summary>
/// Host cost of one <see cref="SparsePrefillPlan.Run"/> for a mixed 32-head layer (32 heads over 8
/// kv heads: 8 dense, 8 A-shape, 8 block-sparse, 8 vertical-slash; N = 1024, D = 128, bf16; every
/// head kept sparse, so every launch is issued): operand checks, argument structs and the native
/// launches, without waiting for the kernels. A replay of the captured layer is the floor.
/// Few invocations per iteration keep the ~15 launches of each run well inside CUDA's queue, so
/// the call never blocks on the GPU.
/// </summary>
[InvocationCount(InvocationsPerRunIteration)]
public class PrefillPlanBenchmarks : GpuBenchmark
{
    private const int InvocationsPerRunIteration = 16;
    private DeviceLayer _layer = null!;
    private SparsePrefillPlan _plan = null!;
    private PrefillGraph _graph = null!;

    [Benchmark]
    public void PlanRun() => _plan.Run(_layer.Q, _layer.K, _layer.V, _layer.Output, _layer.LogSumExp);

    [Benchmark]
    public void GraphLaunch() => _graph.Launch();

    protected override void SetUpDevice()
    {
        _layer = new DeviceLayer(Context, SyntheticLayer.Create(heads: 32, kvHeads: 8, sequenceLength: 1024, headDim: 128));
        HeadPattern[] kinds = [new DensePattern(), new AShapePattern(64, 256), new BlockSparsePattern(4), new VerticalSlashPattern(64, 256)];
        HeadPattern[] patterns = [.. Enumerable.Range(0, 32).Select(head => kinds[head % kinds.Length])];
        var options = new SparsePrefillOptions { CostModel = PrefillCostModel.SparseAlways, MaxDensity = 1 };
        _plan = SparsePrefillPlan.Create(Context, PrefillShape.Of(_layer.Q, _layer.K), patterns, options);
        _graph = _plan.CaptureGraph(_layer.Q, _layer.K, _layer.V, _layer.Output, _layer.LogSumExp);
    }

    protected override void TearDownDevice()
    {
        _graph.Dispose();
        _plan.Dispose();
        _layer.Dispose();
    }
}

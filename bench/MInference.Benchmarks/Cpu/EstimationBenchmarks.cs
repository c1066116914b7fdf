using BenchmarkDotNet.Attributes;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;

namespace MInference.Benchmarks.Cpu;

/// <summary>The CPU estimations and the Vertical-Slash index conversion, every head of the <see cref="CpuLayer"/> layer.</summary>
[BenchmarkCategory(CpuLayer.Category)]
public class EstimationBenchmarks
{
    private SyntheticLayer _layer = null!;
    private int[] _heads = [];
    private VerticalSlashSelection _selection = null!;

    [GlobalSetup]
    public void SetUp()
    {
        _layer = CpuLayer.Create();
        _heads = _layer.AllHeads;
        _selection = VerticalSlashEstimation.Estimate(_layer.Q, _layer.K, _heads, CpuLayer.VerticalSlash).Selection;
    }

    [Benchmark]
    public VerticalSlashEstimate VerticalSlashEstimate() =>
        VerticalSlashEstimation.Estimate(_layer.Q, _layer.K, _heads, CpuLayer.VerticalSlash);

    [Benchmark]
    public VerticalSlashIndex VerticalSlashIndexBuild() => VerticalSlashIndexBuilder.Build(_selection);

    [Benchmark]
    public BlockSparseIndex BlockSparseEstimate() =>
        BlockSparseEstimation.Estimate(_layer.Q, _layer.K, _heads, CpuLayer.BlockSparse);
}

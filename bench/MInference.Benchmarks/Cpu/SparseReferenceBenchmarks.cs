using BenchmarkDotNet.Attributes;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.References;

namespace MInference.Benchmarks.Cpu;

/// <summary>
/// <see cref="SparseAttentionReference"/> over every head of the <see cref="CpuLayer"/> layer, with
/// log-sum-exp: the CPU references the GPU kernels are tested against (the CPU backend's hot path).
/// Indexes are estimated once, outside the measurement.
/// </summary>
[BenchmarkCategory(CpuLayer.Category)]
public class SparseReferenceBenchmarks
{
    private SyntheticLayer _layer = null!;
    private int[] _heads = [];
    private VerticalSlashIndex _verticalSlash = null!;
    private BlockSparseIndex _blockSparse = null!;
    private HostTensor _output = null!;
    private float[] _logSumExp = [];

    [GlobalSetup]
    public void SetUp()
    {
        _layer = CpuLayer.Create();
        _heads = _layer.AllHeads;
        _verticalSlash = VerticalSlashIndexBuilder.Build(
            VerticalSlashEstimation.Estimate(_layer.Q, _layer.K, _heads, CpuLayer.VerticalSlash).Selection);
        _blockSparse = BlockSparseEstimation.Estimate(_layer.Q, _layer.K, _heads, CpuLayer.BlockSparse);
        _output = new HostTensor(new float[_layer.OutputLength], _layer.OutputLayout);
        _logSumExp = new float[_layer.LogSumExpLength];
    }

    [Benchmark]
    public void VerticalSlash() =>
        SparseAttentionReference.VerticalSlash(_layer.Q, _layer.K, _layer.V, _verticalSlash, _output, _logSumExp);

    [Benchmark]
    public void BlockSparse() =>
        SparseAttentionReference.BlockSparse(_layer.Q, _layer.K, _layer.V, _blockSparse, _output, _logSumExp);

    [Benchmark]
    public void AShape() =>
        SparseAttentionReference.AShape(_layer.Q, _layer.K, _layer.V, _heads, CpuLayer.AShape, _output, _logSumExp);

    [Benchmark]
    public void DenseCausal() =>
        SparseAttentionReference.DenseCausal(_layer.Q, _layer.K, _layer.V, _heads, _output, _logSumExp);
}

using BenchmarkDotNet.Attributes;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.References;

namespace MInference.Benchmarks.Cpu;

/// <summary>
/// <see cref="VisibleKeys"/>: the key set of every row, 0..N−1 in order, of one head (batch 0, head
/// slot 0) of the <see cref="CpuLayer"/> layer. Returns the number of visible entries.
/// </summary>
[BenchmarkCategory(CpuLayer.Category)]
public class VisibleKeysBenchmarks
{
    private VerticalSlashIndex _verticalSlash = null!;
    private BlockSparseIndex _blockSparse = null!;
    private AShapePattern _aShape = null!;
    private int _rows;

    [GlobalSetup]
    public void SetUp()
    {
        SyntheticLayer layer = CpuLayer.Create();
        _verticalSlash = VerticalSlashIndexBuilder.Build(
            VerticalSlashEstimation.Estimate(layer.Q, layer.K, [0], CpuLayer.VerticalSlash).Selection);
        _blockSparse = BlockSparseEstimation.Estimate(layer.Q, layer.K, [0], CpuLayer.BlockSparse);
        _aShape = CpuLayer.AShape;
        _rows = layer.SequenceLength;
    }

    [Benchmark]
    public long VerticalSlash() => CountEntries(VisibleKeys.VerticalSlash(_verticalSlash, 0, 0));

    [Benchmark]
    public long BlockSparse() => CountEntries(VisibleKeys.BlockSparse(_blockSparse, 0, 0));

    [Benchmark]
    public long AShape() => CountEntries(VisibleKeys.AShape(_aShape));

    [Benchmark]
    public long DenseCausal() => CountEntries(VisibleKeys.DenseCausal);

    private long CountEntries(Func<int, int[]> keysOfRow)
    {
        long entries = 0;
        for (int row = 0; row < _rows; row++)
        {
            entries += keysOfRow(row).Length;
        }

        return entries;
    }
}

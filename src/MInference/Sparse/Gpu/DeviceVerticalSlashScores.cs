using MInference.Sparse.Estimation;

namespace MInference.Sparse.Gpu;

/// <summary>
/// The scores of <see cref="VerticalSlashGpu.Estimate(GpuContext, DeviceTensor, DeviceTensor, ReadOnlySpan{int}, float?, DeviceBuffer?)"/>
/// on the device: for each (batch, listed head), the vertical score of every key column and the
/// slash score of every diagonal offset, before any forcing. Owns both buffers and frees them on
/// <see cref="Dispose"/>; keep it alive until the work that reads it has run.
/// </summary>
public sealed class DeviceVerticalSlashScores : IDisposable
{
    private readonly int[] _heads;

    internal DeviceVerticalSlashScores(GpuContext context, int sequenceLength, int batchSize, int[] heads, DeviceBuffer verticalScores, DeviceBuffer slashScores)
    {
        Context = context;
        SequenceLength = sequenceLength;
        BatchSize = batchSize;
        _heads = heads;
        VerticalScores = verticalScores;
        SlashScores = slashScores;
    }

    /// <summary>The context whose device holds the scores.</summary>
    public GpuContext Context { get; }

    /// <summary>N, the number of queries and keys.</summary>
    public int SequenceLength { get; }

    /// <summary>Batch elements.</summary>
    public int BatchSize { get; }

    /// <summary>The query heads scored; a head's position in this list is its slot in the arrays.</summary>
    public ReadOnlyMemory<int> Heads => _heads;

    /// <summary>(batch, head) pairs: BatchSize · Heads.Length.</summary>
    public long RowCount => (long)BatchSize * _heads.Length;

    /// <summary>
    /// fp32 [batch, heads, N] at the start of the buffer: Σ p(i, j) over the last min(64, N) query
    /// rows i, for each key column j (the CPU reference is <see cref="VerticalSlashEstimate.VerticalScores"/>).
    /// </summary>
    public DeviceBuffer VerticalScores { get; }

    /// <summary>
    /// fp32 [batch, heads, N] at the start of the buffer: Σ p(i, i − o) over the same rows, for each
    /// diagonal offset o (the CPU reference is <see cref="VerticalSlashEstimate.SlashScores"/>).
    /// </summary>
    public DeviceBuffer SlashScores { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => VerticalScores.IsDisposed;

    /// <summary>Frees both device buffers.</summary>
    public void Dispose()
    {
        SlashScores.Dispose();
        VerticalScores.Dispose();
    }
}

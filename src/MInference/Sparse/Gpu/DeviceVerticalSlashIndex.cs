using MInference.Sparse.Indexes;

namespace MInference.Sparse.Gpu;

/// <summary>
/// A vertical-slash index built on the device: the two CSR indices
/// <see cref="Attention.VerticalSlash"/> takes, for the heads in <see cref="Heads"/> (pass the same
/// list to the attention call). The device form of <see cref="VerticalSlashIndex"/>. Owns both
/// indices and frees them on <see cref="Dispose"/>; keep it alive until the kernels that read it have run.
/// </summary>
public sealed class DeviceVerticalSlashIndex : IDisposable
{
    private readonly int[] _heads;

    internal DeviceVerticalSlashIndex(
        GpuContext context, int sequenceLength, int batchSize, int[] heads, DeviceCsrIndex blocks, DeviceCsrIndex columns, VerticalSlashStepTimes? stepTimes)
    {
        Context = context;
        SequenceLength = sequenceLength;
        BatchSize = batchSize;
        _heads = heads;
        Blocks = blocks;
        Columns = columns;
        StepTimes = stepTimes;
    }

    /// <summary>The context whose device holds the index.</summary>
    public GpuContext Context { get; }

    /// <summary>N, the number of queries and keys.</summary>
    public int SequenceLength { get; }

    /// <summary>Batch elements.</summary>
    public int BatchSize { get; }

    /// <summary>The query heads covered, in row order: the head list to pass to <see cref="Attention.VerticalSlash"/>.</summary>
    public ReadOnlyMemory<int> Heads => _heads;

    /// <summary>First key column of each 64-key block, one row per (batch, head, 64-row query block).</summary>
    public DeviceCsrIndex Blocks { get; }

    /// <summary>Gathered key columns, with the same rows as <see cref="Blocks"/>.</summary>
    public DeviceCsrIndex Columns { get; }

    /// <summary>The GPU time of each step, when the index was built with a timer; otherwise null.</summary>
    public VerticalSlashStepTimes? StepTimes { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Blocks.IsDisposed;

    /// <summary>
    /// Copies the index to the host (after the work before on the context's stream) as a
    /// <see cref="VerticalSlashIndex"/>, e.g. to run the CPU reference on the index the GPU chose.
    /// </summary>
    /// <exception cref="ArgumentException">The index breaks a CSR rule of <see cref="VerticalSlashIndex"/>.</exception>
    /// <exception cref="ObjectDisposedException">The index or its context is disposed.</exception>
    /// <exception cref="CudaException">Earlier asynchronous work on the stream failed.</exception>
    public VerticalSlashIndex Download()
    {
        (long[] blockRowPointers, int[] blockStarts) = DownloadCsr(Blocks);
        (long[] columnRowPointers, int[] columns) = DownloadCsr(Columns);
        return new VerticalSlashIndex(SequenceLength, BatchSize, _heads, blockRowPointers, blockStarts, columnRowPointers, columns);
    }

    /// <summary>Frees both indices.</summary>
    public void Dispose()
    {
        Columns.Dispose();
        Blocks.Dispose();
    }

    private static (long[] RowPointers, int[] Values) DownloadCsr(DeviceCsrIndex index)
    {
        ObjectDisposedException.ThrowIf(index.IsDisposed, index);
        var rowPointers = new long[index.RowCount + 1];
        var values = new int[index.ValueCount];
        index.RowPointers.CopyToHost<long>(rowPointers);
        index.Values.CopyToHost<int>(values);
        return (rowPointers, values);
    }
}

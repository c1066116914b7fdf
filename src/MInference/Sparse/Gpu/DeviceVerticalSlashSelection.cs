using MInference.Sparse.Estimation;

namespace MInference.Sparse.Gpu;

/// <summary>
/// The key columns ("verticals") and diagonal offsets ("slashes") chosen for each (batch, listed
/// head), on the device: the device form of <see cref="VerticalSlashSelection"/> and the input of
/// <see cref="VerticalSlashGpu.BuildIndex(GpuContext, DeviceVerticalSlashSelection, DeviceBuffer?)"/>.
/// Owns both buffers and frees them on <see cref="Dispose"/>; keep it alive until the work that
/// reads it has run.
/// </summary>
public sealed class DeviceVerticalSlashSelection : IDisposable
{
    private readonly int[] _heads;

    internal DeviceVerticalSlashSelection(
        GpuContext context, int sequenceLength, int batchSize, int[] heads, int verticalCount, int slashCount, DeviceBuffer verticals, DeviceBuffer slashes)
    {
        Context = context;
        SequenceLength = sequenceLength;
        BatchSize = batchSize;
        _heads = heads;
        VerticalCount = verticalCount;
        SlashCount = slashCount;
        Verticals = verticals;
        Slashes = slashes;
    }

    /// <summary>The context whose device holds the lists.</summary>
    public GpuContext Context { get; }

    /// <summary>N, the number of queries and keys.</summary>
    public int SequenceLength { get; }

    /// <summary>Batch elements.</summary>
    public int BatchSize { get; }

    /// <summary>The query heads covered; a head's position in this list is its slot in the arrays.</summary>
    public ReadOnlyMemory<int> Heads => _heads;

    /// <summary>(batch, head) pairs: BatchSize · Heads.Length.</summary>
    public long RowCount => (long)BatchSize * _heads.Length;

    /// <summary>Verticals per (batch, head).</summary>
    public int VerticalCount { get; }

    /// <summary>Slash offsets per (batch, head).</summary>
    public int SlashCount { get; }

    /// <summary>int32 [batch, heads, <see cref="VerticalCount"/>] at the start of the buffer, each list strictly ascending in [0, N).</summary>
    public DeviceBuffer Verticals { get; }

    /// <summary>int32 [batch, heads, <see cref="SlashCount"/>] at the start of the buffer, each list strictly descending in [0, N) and ending with 0.</summary>
    public DeviceBuffer Slashes { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Verticals.IsDisposed;

    /// <summary>
    /// Copies a host selection (such as the CPU estimation's) to the device, e.g. to convert it into
    /// an index on the GPU. Returns once the copies are done.
    /// </summary>
    /// <exception cref="ObjectDisposedException"><paramref name="context"/> is disposed.</exception>
    public static DeviceVerticalSlashSelection Upload(GpuContext context, VerticalSlashSelection selection)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(selection);
        // Device buffers are never empty: a selection without verticals still gets one (unread) entry.
        var verticals = new DeviceBuffer(context, Math.Max((long)selection.Verticals.Length, 1) * sizeof(int));
        DeviceBuffer? slashes = null;
        try
        {
            slashes = new DeviceBuffer(context, (long)selection.SlashOffsets.Length * sizeof(int));
            verticals.CopyFromHost(selection.Verticals.Span);
            slashes.CopyFromHost(selection.SlashOffsets.Span);
            return new DeviceVerticalSlashSelection(
                context, selection.SequenceLength, selection.BatchSize, selection.Heads.ToArray(), selection.VerticalCount, selection.SlashCount, verticals, slashes);
        }
        catch
        {
            slashes?.Dispose();
            verticals.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies the lists to the host (after the work before on the context's stream) and checks them
    /// with <see cref="VerticalSlashSelection"/>'s rules.
    /// </summary>
    /// <exception cref="ArgumentException">A list breaks a rule of <see cref="VerticalSlashSelection"/> (the message names the batch and head).</exception>
    /// <exception cref="ObjectDisposedException">The selection or its context is disposed.</exception>
    /// <exception cref="CudaException">Earlier asynchronous work on the stream failed.</exception>
    public VerticalSlashSelection Download()
    {
        var verticals = new int[RowCount * VerticalCount];
        var slashes = new int[RowCount * SlashCount];
        Verticals.CopyToHost<int>(verticals);
        Slashes.CopyToHost<int>(slashes);
        return new VerticalSlashSelection(SequenceLength, BatchSize, _heads, VerticalCount, verticals, SlashCount, slashes);
    }

    /// <summary>Frees both device buffers.</summary>
    public void Dispose()
    {
        Slashes.Dispose();
        Verticals.Dispose();
    }
}

namespace MInference.Multimodal;

/// <summary>
/// A <see cref="PermutedBlockIndex"/> on the device, for <see cref="Attention.Permuted"/>: the kept
/// blocks as a CSR index and the token orders as one int32 array [batch, heads, N] of original
/// positions per slot. Owns the blocks, and the orders unless it reads a
/// <see cref="DeviceGridEstimate"/>'s (<see cref="GridGpu.Select"/>): then it counts as disposed
/// once that estimate is, so a call never reads freed memory.
/// </summary>
public sealed class DevicePermutedBlockIndex : IDisposable
{
    private readonly bool _ownsOrder;

    internal DevicePermutedBlockIndex(DeviceCsrIndex blocks, DeviceBuffer order, bool ownsOrder, int[] heads, int batchSize, int sequenceLength)
    {
        Blocks = blocks;
        Order = order;
        _ownsOrder = ownsOrder;
        Heads = heads;
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
    }

    /// <summary>The kept blocks, one row per (batch, listed head, permuted query block).</summary>
    public DeviceCsrIndex Blocks { get; }

    /// <summary>The grid heads, in slot order.</summary>
    public IReadOnlyList<int> Heads { get; }

    /// <summary>Batch elements.</summary>
    public int BatchSize { get; }

    /// <summary>N.</summary>
    public int SequenceLength { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Blocks.IsDisposed || Order.IsDisposed;

    internal DeviceBuffer Order { get; }

    /// <summary>Copies an index to <paramref name="context"/>'s device.</summary>
    /// <exception cref="ObjectDisposedException"><paramref name="context"/> is disposed.</exception>
    public static DevicePermutedBlockIndex Upload(GpuContext context, PermutedBlockIndex index)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(index);
        int heads = index.Heads.Length, n = index.SequenceLength;
        var order = new int[(long)index.BatchSize * heads * n];
        for (int batch = 0; batch < index.BatchSize; batch++)
        {
            for (int slot = 0; slot < heads; slot++)
            {
                index.Order(batch, slot).OriginalOrder.CopyTo(order.AsSpan(((batch * heads) + slot) * n, n));
            }
        }

        DeviceCsrIndex blocks = DeviceCsrIndex.Upload(context, index.Blocks.RowPointers.Span, index.Blocks.Blocks.Span);
        try
        {
            var orderBuffer = new DeviceBuffer(context, (long)order.Length * sizeof(int));
            orderBuffer.CopyFromHost<int>(order);
            return new DevicePermutedBlockIndex(blocks, orderBuffer, ownsOrder: true, index.Heads.ToArray(), index.BatchSize, n);
        }
        catch
        {
            blocks.Dispose();
            throw;
        }
    }

    /// <summary>Copies the index to the host (waits for the work that writes it): kept blocks and token orders, to inspect or to run the CPU reference on.</summary>
    /// <exception cref="ObjectDisposedException">The index (or the estimate whose orders it reads) is disposed.</exception>
    /// <exception cref="CudaException">Earlier asynchronous work on the stream failed.</exception>
    public PermutedBlockIndex Download()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var rowPointers = new long[Blocks.RowCount + 1];
        Blocks.RowPointers.CopyToHost<long>(rowPointers);
        var blocks = new int[Blocks.ValueCount];
        Blocks.Values.CopyToHost<int>(blocks);
        int n = SequenceLength, lists = BatchSize * Heads.Count;
        var order = new int[(long)lists * n];
        Order.CopyToHost<int>(order);
        return PermutedBlockIndex.FromDevice(n, BatchSize, [.. Heads], rowPointers, blocks, order);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Blocks.Dispose();
        if (_ownsOrder)
        {
            Order.Dispose();
        }
    }
}

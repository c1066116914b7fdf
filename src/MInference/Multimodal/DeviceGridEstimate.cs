namespace MInference.Multimodal;

/// <summary>
/// What <see cref="GridGpu.Estimate"/> leaves on the device, per (batch, listed head): the stride and
/// phase found, and the token order (int32 [batch, heads, N], the original position of each slot)
/// that <see cref="Attention.Permuted"/> takes. Owns its buffers.
/// </summary>
public sealed class DeviceGridEstimate : IDisposable
{
    internal DeviceGridEstimate(int batchSize, int[] heads, int sequenceLength, DeviceBuffer strides, DeviceBuffer phases, DeviceBuffer order)
    {
        BatchSize = batchSize;
        Heads = heads;
        SequenceLength = sequenceLength;
        Strides = strides;
        Phases = phases;
        Order = order;
    }

    /// <summary>Batch elements.</summary>
    public int BatchSize { get; }

    /// <summary>The heads, in row order.</summary>
    public IReadOnlyList<int> Heads { get; }

    /// <summary>N.</summary>
    public int SequenceLength { get; }

    /// <summary>int32 [batch, heads]: the stride of each row (1: no candidate fits).</summary>
    public DeviceBuffer Strides { get; }

    /// <summary>int32 [batch, heads]: the phase of each row.</summary>
    public DeviceBuffer Phases { get; }

    /// <summary>int32 [batch, heads, N]: each row's token order.</summary>
    public DeviceBuffer Order { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Order.IsDisposed;

    /// <inheritdoc/>
    public void Dispose()
    {
        Strides.Dispose();
        Phases.Dispose();
        Order.Dispose();
    }
}

namespace MInference.Sla;

/// <summary>
/// What <see cref="CpuSparseLinearAttention.Backward"/> needs from a forward: the operands (views,
/// not copies: keep them unchanged until the backward), the projection, the options and the block
/// mask each (batch, head) was given. The mask is held fixed in the backward, as in SLA.
/// </summary>
public sealed class SlaSavedState
{
    internal SlaSavedState(ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, SlaProjection projection, SlaOptions options, SlaBlockMask[] masks)
    {
        Q = q;
        K = k;
        V = v;
        Projection = projection;
        Options = options;
        Masks = masks;
    }

    /// <summary>The forward's queries, [B, H, N, D].</summary>
    public ReadOnlyHostTensor Q { get; }

    /// <summary>The forward's keys, [B, H, N, D].</summary>
    public ReadOnlyHostTensor K { get; }

    /// <summary>The forward's values, [B, H, N, D].</summary>
    public ReadOnlyHostTensor V { get; }

    /// <summary>The forward's projection.</summary>
    public SlaProjection Projection { get; }

    /// <summary>The forward's options.</summary>
    public SlaOptions Options { get; }

    /// <summary>The block mask of each (batch, head), at batch · H + head.</summary>
    public IReadOnlyList<SlaBlockMask> Masks { get; }
}

using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Evaluation;

/// <summary>How one query head of a <see cref="LayerRun"/> was computed.</summary>
/// <param name="Head">The query head.</param>
/// <param name="Pattern">The pattern the head was configured with.</param>
/// <param name="Fallback">Why the head ran dense although its pattern is sparse; null when it ran its pattern.</param>
/// <param name="Density">The fraction of the head's N(N+1)/2 causal entries computed, over the batch: 1 when it ran dense.</param>
/// <param name="VisibleKeysOfFirstSequence">The keys each row of batch element 0 saw (see <see cref="VisibleKeys"/>).</param>
public sealed record HeadRun(int Head, HeadPattern Pattern, DenseFallbackReason? Fallback, double Density, Func<int, int[]> VisibleKeysOfFirstSequence)
{
    /// <summary>True when the head ran dense causal attention (its pattern is dense, or it fell back).</summary>
    public bool RanDense => Pattern is DensePattern || Fallback is not null;

    /// <summary>What ran: the pattern, or "dense (fallback: reason)".</summary>
    public string Description => Fallback is { } reason ? $"dense ({reason} fallback from {Pattern})" : Pattern.ToString();
}

namespace MInference.Sla;

/// <summary>
/// The settings of one sparse-linear attention layer: the fractions of each query-block row that are
/// critical (k_h) and negligible (k_l), the feature map, the linear branch's semantics, smooth-K and
/// the softmax scale. Blocks are 64 × 64 tokens (<see cref="BlockSize"/>).
/// </summary>
public sealed record SlaOptions
{
    /// <summary>Tokens per query block and per key block.</summary>
    public const int BlockSize = 64;

    /// <summary>The released code's bias of the <see cref="SlaLinearBranch.AllKeys"/> denominator.</summary>
    public const double AllKeysEpsilon = 1e-5;

    /// <summary>k_h: the fraction of a row's key blocks that are critical, in (0, 1]; at least one block per row.</summary>
    public double CriticalFraction { get; init; } = 0.05;

    /// <summary>k_l: the fraction of a row's key blocks that are negligible, in [0, 1); never taken from the critical ones.</summary>
    public double NegligibleFraction { get; init; } = 0.10;

    /// <summary>φ of the linear branch.</summary>
    public SlaFeatureMap FeatureMap { get; init; } = SlaFeatureMap.Softmax;

    /// <summary>Which keys the linear branch sums over.</summary>
    public SlaLinearBranch LinearBranch { get; init; } = SlaLinearBranch.MarginalBlocks;

    /// <summary>
    /// Subtract the mean key before pooling (SageAttention's smooth-K). It shifts each row's pooled
    /// scores by one constant, so it never changes a row's ranking in exact arithmetic; it keeps the
    /// scores small where they are computed in low precision.
    /// </summary>
    public bool SmoothKeys { get; init; } = true;

    /// <summary>The softmax scale of the critical branch; 0 means 1/√head_dim.</summary>
    public double SoftmaxScale { get; init; }

    /// <summary>
    /// Causal SLA (query t sees keys s ≤ t; DiT attention is bidirectional, language models are not):
    /// query block i ranks only key blocks j ≤ i, its diagonal block is always critical (the only one
    /// that needs a per-token mask, which the exact branch applies), the other critical, negligible
    /// and marginal blocks are taken among j &lt; i, and blocks j &gt; i are negligible (never visited).
    /// Needs <see cref="SlaLinearBranch.MarginalBlocks"/>: the all-keys branch would sum future keys.
    /// Both backends run it (the GPU mask then holds per-row counts: <see cref="SlaDeviceMask.IsCausal"/>).
    /// </summary>
    public bool Causal { get; init; }

    /// <summary>The key blocks query block <paramref name="queryBlock"/> may see: all of them, or causally j ≤ i.</summary>
    public int VisibleBlocks(int queryBlock, int keyBlocks) => Causal ? Math.Min(queryBlock + 1, keyBlocks) : keyBlocks;

    /// <summary>Critical key blocks per row: ⌊k_h · blocks⌋ (as the released code counts), at least 1.</summary>
    public int CriticalBlocks(int keyBlocks) => Math.Clamp((int)Math.Floor((CriticalFraction * keyBlocks) + 1e-9), 1, keyBlocks);

    /// <summary>Negligible key blocks per row: ⌊k_l · blocks⌋, at most the blocks left after the critical ones.</summary>
    public int NegligibleBlocks(int keyBlocks) => Math.Min((int)Math.Floor((NegligibleFraction * keyBlocks) + 1e-9), keyBlocks - CriticalBlocks(keyBlocks));

    /// <summary>The scale the critical branch uses for <paramref name="headDim"/>.</summary>
    public double ScaleFor(int headDim) => SoftmaxScale != 0 ? SoftmaxScale : 1.0 / Math.Sqrt(headDim);

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A fraction, the scale or an enum value is invalid.</exception>
    public void Validate()
    {
        if (!(CriticalFraction > 0 && CriticalFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(CriticalFraction), CriticalFraction, "the critical fraction k_h must be in (0, 1]");
        }

        if (!(NegligibleFraction >= 0 && NegligibleFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(NegligibleFraction), NegligibleFraction, "the negligible fraction k_l must be in [0, 1)");
        }

        if (!Enum.IsDefined(FeatureMap))
        {
            throw new ArgumentOutOfRangeException(nameof(FeatureMap), FeatureMap, "expected softmax, elu+1 or relu");
        }

        if (!Enum.IsDefined(LinearBranch))
        {
            throw new ArgumentOutOfRangeException(nameof(LinearBranch), LinearBranch, "expected marginal blocks or all keys");
        }

        if (Causal && LinearBranch != SlaLinearBranch.MarginalBlocks)
        {
            throw new ArgumentOutOfRangeException(nameof(LinearBranch), LinearBranch, "causal SLA needs the marginal-blocks linear branch: the all-keys branch would sum future keys");
        }

        if (!double.IsFinite(SoftmaxScale) || SoftmaxScale < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SoftmaxScale), SoftmaxScale, "the softmax scale must be finite and positive, or 0 for 1/sqrt(head_dim)");
        }
    }
}

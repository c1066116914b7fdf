namespace MInference.Sparse.Prefill;

/// <summary>Why <see cref="SparsePrefill"/> ran a head with a sparse pattern as dense causal attention instead.</summary>
public enum DenseFallbackReason
{
    /// <summary>The sequence is shorter than <see cref="SparsePrefillOptions.MinSequenceLength"/>: no estimation was run.</summary>
    ShortSequence,

    /// <summary>The head's density exceeds <see cref="SparsePrefillOptions.MaxDensity"/>: dense is cheaper per entry.</summary>
    DensityAboveLimit,

    /// <summary>
    /// The cost model (<see cref="SparsePrefillOptions.CostModel"/>) predicts the pattern slower than
    /// dense: before estimation, when even its cheapest possible index would lose (no density then);
    /// after it, from the estimated index (vertical-slash, decided on the device).
    /// </summary>
    PredictedSlower,

    /// <summary>The estimated index did not fit the capacity the plan reserved (<see cref="SparsePrefillOptions.MaxIndexBytes"/>).</summary>
    IndexCapacity,
}

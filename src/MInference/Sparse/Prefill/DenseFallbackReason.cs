namespace MInference.Sparse;

/// <summary>Why <see cref="SparsePrefill"/> ran a head with a sparse pattern as dense causal attention instead.</summary>
public enum DenseFallbackReason
{
    /// <summary>The sequence is shorter than <see cref="SparsePrefillOptions.MinSequenceLength"/>: no estimation was run.</summary>
    ShortSequence,

    /// <summary>The head's density exceeds <see cref="SparsePrefillOptions.MaxDensity"/>: dense is cheaper per entry.</summary>
    DensityAboveLimit,
}

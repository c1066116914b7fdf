namespace MInference.Sparse.Prefill;

/// <summary>A head that <see cref="SparsePrefill"/> ran dense although its pattern is sparse.</summary>
/// <param name="Head">The query head.</param>
/// <param name="Reason">Why.</param>
/// <param name="PatternDensity">
/// The density its pattern would have had (see <see cref="SparsePrefillOptions.MaxDensity"/>), or
/// null where it was not estimated (<see cref="DenseFallbackReason.ShortSequence"/>).
/// </param>
public readonly record struct DenseFallback(int Head, DenseFallbackReason Reason, double? PatternDensity)
{
    /// <summary>For example <c>head 3: DensityAboveLimit (0.912)</c>.</summary>
    public override string ToString() =>
        PatternDensity is { } density ? $"head {Head}: {Reason} ({density:F3})" : $"head {Head}: {Reason}";
}

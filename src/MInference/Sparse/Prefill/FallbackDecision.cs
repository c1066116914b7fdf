namespace MInference.Sparse;

/// <summary>Which heads of a sparse group keep their pattern under a <see cref="SparsePrefillOptions"/> policy.</summary>
/// <param name="SparseHeads">The heads that run the pattern, in the group's order.</param>
/// <param name="Fallbacks">The heads that run dense, with the reason.</param>
internal sealed record FallbackDecision(int[] SparseHeads, DenseFallback[] Fallbacks)
{
    /// <summary>Every head runs dense: the sequence is too short to estimate.</summary>
    public static FallbackDecision ShortSequence(int[] heads) =>
        new([], heads.Select(head => new DenseFallback(head, DenseFallbackReason.ShortSequence, null)).ToArray());

    /// <summary>Heads whose density exceeds the policy's limit run dense; the others keep the pattern.</summary>
    /// <param name="options">The policy.</param>
    /// <param name="heads">The group's heads.</param>
    /// <param name="densities">Each head's pattern density, aligned with <paramref name="heads"/>.</param>
    public static FallbackDecision ByDensity(SparsePrefillOptions options, int[] heads, double[] densities)
    {
        var sparse = new List<int>();
        var fallbacks = new List<DenseFallback>();
        for (int i = 0; i < heads.Length; i++)
        {
            if (options.IsTooDense(densities[i]))
            {
                fallbacks.Add(new DenseFallback(heads[i], DenseFallbackReason.DensityAboveLimit, densities[i]));
            }
            else
            {
                sparse.Add(heads[i]);
            }
        }

        return new FallbackDecision(sparse.ToArray(), fallbacks.ToArray());
    }

    /// <summary>The heads that run dense.</summary>
    public int[] DenseHeads => Fallbacks.Select(fallback => fallback.Head).ToArray();

    /// <summary>True when every head keeps the pattern.</summary>
    public bool KeepsAll => Fallbacks.Length == 0;
}

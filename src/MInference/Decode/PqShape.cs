namespace MInference.Decode;

/// <summary>The checks every product-quantizer shape passes: M ∈ {32, 64} dividing head_dim, C = 256.</summary>
internal static class PqShape
{
    public static void Validate(int headDim, int subspaces, int centroids, string prefix, string parameterName)
    {
        if (headDim < 1)
        {
            throw new ArgumentOutOfRangeException(parameterName, headDim, $"{prefix}head_dim = {headDim}; expected at least 1");
        }

        if (subspaces is not (32 or 64))
        {
            throw new ArgumentOutOfRangeException(parameterName, subspaces, $"{prefix}Subspaces = {subspaces}; expected 32 or 64");
        }

        if (headDim % subspaces != 0)
        {
            throw new ArgumentOutOfRangeException(parameterName, subspaces, $"{prefix}Subspaces = {subspaces} does not divide head_dim {headDim}; expected a divisor (32 for head_dim 96)");
        }

        if (centroids != PqCodebookOptions.SupportedCentroids)
        {
            throw new ArgumentOutOfRangeException(parameterName, centroids, $"{prefix}Centroids = {centroids}; expected {PqCodebookOptions.SupportedCentroids} (one byte per code)");
        }
    }
}

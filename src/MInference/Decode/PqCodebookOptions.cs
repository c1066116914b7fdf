namespace MInference.Decode;

/// <summary>Settings of <see cref="PqCodebooks.Train"/>: the product quantizer's shape and its k-means.</summary>
public sealed record PqCodebookOptions
{
    /// <summary>The only centroid count supported: one byte per code.</summary>
    public const int SupportedCentroids = 256;

    /// <summary>Sub-vectors per head vector, M: 64 (4 bits per element at head_dim 128) or 32 (2 bits). Must divide head_dim.</summary>
    public int Subspaces { get; init; } = 64;

    /// <summary>Centroids per subspace, C: 256 (codes are bytes).</summary>
    public int Centroids { get; init; } = SupportedCentroids;

    /// <summary>Lloyd iterations after the k-means++ initialisation: a fixed count, no convergence test, so the run is reproducible (25, faiss's default that MILLION trains with).</summary>
    public int Iterations { get; init; } = 25;

    /// <summary>Seed of the sampling and the k-means++ initialisation; the same seed and data give the same codebooks.</summary>
    public int Seed { get; init; }

    /// <summary>Tokens drawn (without replacement, seeded) from the training data of each codebook; all of them when fewer. At least <see cref="Centroids"/>.</summary>
    public int SampleTokens { get; init; } = 4096;

    /// <summary>Which tokens share a codebook.</summary>
    public PqCodebookGranularity Granularity { get; init; } = PqCodebookGranularity.PerLayerKvHead;

    /// <summary>Throws when an option of <paramref name="options"/> is out of range or does not fit <paramref name="headDim"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The message names the option and what was expected.</exception>
    internal static void Validate(PqCodebookOptions options, int headDim)
    {
        PqShape.Validate(headDim, options.Subspaces, options.Centroids, "options.", nameof(options));
        if (options.Iterations < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Iterations, $"options.Iterations = {options.Iterations}; expected 0 or more");
        }

        if (options.SampleTokens < options.Centroids)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SampleTokens, $"options.SampleTokens = {options.SampleTokens}; expected at least options.Centroids = {options.Centroids}");
        }

        if (!Enum.IsDefined(options.Granularity))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Granularity, $"options.Granularity = {options.Granularity}; expected PerLayerKvHead or Shared");
        }
    }
}

namespace MInference.Decode;

/// <summary>
/// CPU reference of the encode step: each sub-vector becomes the index of its nearest centroid
/// (squared Euclidean distance accumulated in double over the head_dim / M elements; ties go to the
/// lowest index, as the GPU encoder's strict "less than" scan in index order does).
/// </summary>
public static class PqEncoder
{
    /// <summary>Encodes <c>vectors.Length / head_dim</c> token vectors.</summary>
    /// <param name="codebook">The quantizer.</param>
    /// <param name="vectors">[tokens, head_dim] floats, row-major.</param>
    /// <param name="codes">[tokens, M] bytes, written.</param>
    /// <exception cref="ArgumentException">The lengths are not whole tokens or do not match.</exception>
    public static void Encode(PqCodebook codebook, ReadOnlySpan<float> vectors, Span<byte> codes)
    {
        ArgumentNullException.ThrowIfNull(codebook);
        int dim = codebook.HeadDim;
        int subspaces = codebook.Subspaces;
        if (vectors.Length % dim != 0 || codes.Length != vectors.Length / dim * subspaces)
        {
            throw new ArgumentException(
                $"vectors holds {vectors.Length} floats and codes {codes.Length} bytes; expected [tokens, {dim}] vectors and [tokens, {subspaces}] codes", nameof(codes));
        }

        int subDim = codebook.SubspaceDim;
        for (int token = 0; token < vectors.Length / dim; token++)
        {
            for (int m = 0; m < subspaces; m++)
            {
                ReadOnlySpan<float> point = vectors.Slice((token * dim) + (m * subDim), subDim);
                codes[(token * subspaces) + m] = (byte)Nearest(point, codebook.CentroidValues.Slice(m * codebook.Centroids * subDim, codebook.Centroids * subDim));
            }
        }
    }

    /// <summary>Index of the row of <paramref name="centroids"/> ([count, point.Length]) nearest to <paramref name="point"/>; ties to the lowest.</summary>
    internal static int Nearest(ReadOnlySpan<float> point, ReadOnlySpan<float> centroids) =>
        Nearest(point, centroids, out _);

    /// <summary>As <see cref="Nearest(ReadOnlySpan{float}, ReadOnlySpan{float})"/>, also giving the squared distance.</summary>
    internal static int Nearest(ReadOnlySpan<float> point, ReadOnlySpan<float> centroids, out double distance)
    {
        int dim = point.Length;
        int best = 0;
        distance = double.PositiveInfinity;
        for (int c = 0; c < centroids.Length / dim; c++)
        {
            double sum = 0;
            for (int j = 0; j < dim; j++)
            {
                double difference = (double)point[j] - centroids[(c * dim) + j];
                sum += difference * difference;
            }

            if (sum < distance)
            {
                distance = sum;
                best = c;
            }
        }

        return best;
    }
}

namespace MInference.Decode;

/// <summary>
/// One product quantizer for head vectors of <see cref="HeadDim"/> elements: <see cref="Subspaces"/>
/// (M) consecutive sub-vectors of <see cref="SubspaceDim"/> = head_dim / M elements, each coded as the
/// index of one of <see cref="Centroids"/> (C = 256) centroids. The centroids are row-major
/// [M, C, head_dim / M] floats: subspace m, centroid c holds elements m·(head_dim/M) … of the vector.
/// </summary>
public sealed class PqCodebook
{
    private readonly float[] _centroids;

    /// <summary>Creates a codebook from its centroids (copied).</summary>
    /// <param name="headDim">Elements per head vector.</param>
    /// <param name="subspaces">M: 32 or 64, dividing <paramref name="headDim"/>.</param>
    /// <param name="centroids">[M, 256, head_dim / M] finite floats, row-major.</param>
    /// <exception cref="ArgumentOutOfRangeException">head_dim or M is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="centroids"/> has the wrong length or a non-finite value.</exception>
    public PqCodebook(int headDim, int subspaces, ReadOnlySpan<float> centroids)
    {
        PqShape.Validate(headDim, subspaces, PqCodebookOptions.SupportedCentroids, string.Empty, nameof(subspaces));
        long expected = (long)subspaces * PqCodebookOptions.SupportedCentroids * (headDim / subspaces);
        if (centroids.Length != expected)
        {
            throw new ArgumentException(
                $"centroids holds {centroids.Length} floats; expected M·C·(head_dim/M) = {subspaces}·{PqCodebookOptions.SupportedCentroids}·{headDim / subspaces} = {expected}", nameof(centroids));
        }

        int bad = IndexOfNonFinite(centroids);
        if (bad >= 0)
        {
            throw new ArgumentException($"centroids[{bad}] = {centroids[bad]}; expected finite values", nameof(centroids));
        }

        HeadDim = headDim;
        Subspaces = subspaces;
        _centroids = centroids.ToArray();
    }

    /// <summary>Elements per head vector.</summary>
    public int HeadDim { get; }

    /// <summary>M, the number of sub-vectors (and of code bytes) per head vector.</summary>
    public int Subspaces { get; }

    /// <summary>C = 256 centroids per subspace.</summary>
    public int Centroids { get; } = PqCodebookOptions.SupportedCentroids;

    /// <summary>Elements per sub-vector: head_dim / M.</summary>
    public int SubspaceDim => HeadDim / Subspaces;

    /// <summary>All centroids, [M, C, head_dim / M] row-major.</summary>
    public ReadOnlySpan<float> CentroidValues => _centroids;

    /// <summary>Centroid <paramref name="code"/> of subspace <paramref name="subspace"/> (head_dim / M floats).</summary>
    public ReadOnlySpan<float> Centroid(int subspace, int code) =>
        _centroids.AsSpan(((subspace * Centroids) + code) * SubspaceDim, SubspaceDim);

    /// <summary>The vectors the codes stand for: each token's M codes replaced by their centroids.</summary>
    /// <param name="codes">[tokens, M] bytes.</param>
    /// <param name="vectors">[tokens, head_dim] floats, written.</param>
    /// <exception cref="ArgumentException">The lengths are not whole tokens or do not match.</exception>
    public void Reconstruct(ReadOnlySpan<byte> codes, Span<float> vectors)
    {
        if (codes.Length % Subspaces != 0 || vectors.Length != codes.Length / Subspaces * HeadDim)
        {
            throw new ArgumentException(
                $"codes holds {codes.Length} bytes and vectors {vectors.Length} floats; expected [tokens, {Subspaces}] codes and [tokens, {HeadDim}] vectors", nameof(vectors));
        }

        for (int token = 0; token < codes.Length / Subspaces; token++)
        {
            for (int m = 0; m < Subspaces; m++)
            {
                Centroid(m, codes[(token * Subspaces) + m]).CopyTo(vectors.Slice((token * HeadDim) + (m * SubspaceDim), SubspaceDim));
            }
        }
    }

    internal static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}

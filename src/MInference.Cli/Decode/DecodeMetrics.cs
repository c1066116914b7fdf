using MInference.Decode;

namespace MInference.Cli.Decode;

/// <summary>What `decode` measures on either backend: output error, score top-k overlap, compression, and the tensor slices it feeds the caches.</summary>
internal static class DecodeMetrics
{
    /// <summary>‖actual − expected‖ / ‖expected‖.</summary>
    public static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double error = 0, norm = 0;
        for (int d = 0; d < expected.Length; d++)
        {
            error += ((double)actual[d] - expected[d]) * ((double)actual[d] - expected[d]);
            norm += (double)expected[d] * expected[d];
        }

        return Math.Sqrt(error / norm);
    }

    /// <summary>q·k of every token of <paramref name="keys"/> ([tokens, D] floats), in double.</summary>
    public static double[] Scores(ReadOnlySpan<float> query, ReadOnlySpan<float> keys)
    {
        var scores = new double[keys.Length / query.Length];
        for (int token = 0; token < scores.Length; token++)
        {
            double dot = 0;
            for (int d = 0; d < query.Length; d++)
            {
                dot += (double)query[d] * keys[(token * query.Length) + d];
            }

            scores[token] = dot;
        }

        return scores;
    }

    /// <summary>|top-k(a) ∩ top-k(b)| / k, k capped at the token count; ties in index order.</summary>
    public static double TopKOverlap(double[] approximate, double[] exact, int topK)
    {
        int k = Math.Min(topK, exact.Length);
        var exactTop = TopIndices(exact, k).ToHashSet();
        return TopIndices(approximate, k).Count(exactTop.Contains) / (double)k;
    }

    /// <summary>The keys a PQ decode sees for one kv head: centroids of <paramref name="codes"/> (coded rows), then the 16-bit <paramref name="window"/> rows.</summary>
    public static float[] PqKeys(PqCodebook codebook, ReadOnlySpan<byte> codes, ReadOnlySpan<ushort> window, DType dtype)
    {
        int dim = codebook.HeadDim;
        int coded = codes.Length / codebook.Subspaces;
        var keys = new float[(coded * dim) + window.Length];
        codebook.Reconstruct(codes, keys.AsSpan(0, coded * dim));
        HalfPrecision.Decode(window, keys.AsSpan(coded * dim), dtype);
        return keys;
    }

    public static float[] Widen(ReadOnlySpan<ushort> bits, DType dtype)
    {
        var values = new float[bits.Length];
        HalfPrecision.Decode(bits, values, dtype);
        return values;
    }

    /// <summary>Dense 16-bit K/V bytes over the PQ cache's (codes and window), and with the kv head's two codebooks in binary16 counted too.</summary>
    public static (double Compression, double WithCodebooks) Compression(DecodeSettings settings, int coded, int window)
    {
        int total = coded + window;
        double denseBytes = 2.0 * total * settings.HeadDim * 2;
        double pqBytes = (2.0 * coded * settings.Subspaces) + (2.0 * window * settings.HeadDim * 2);
        double codebookBytes = 2.0 * PqCodebookOptions.SupportedCentroids * settings.HeadDim * 2;
        return (denseBytes / pqBytes, denseBytes / (pqBytes + codebookBytes));
    }

    /// <summary>Tokens [start, start + count) of batch element 0 of a [1, heads, N, D] tensor, as [heads, count, D].</summary>
    public static ReadOnlyHostTensor Tokens(ReadOnlyHostTensor tensor, int start, int count, int heads)
    {
        ReadOnlySpan<nint> strides = tensor.Layout.Strides;
        return new ReadOnlyHostTensor(tensor.Data[(int)(start * strides[2])..], new TensorLayout([heads, count, tensor.Layout.Lengths[3]], [strides[1], strides[2], strides[3]]));
    }

    /// <summary>Position <paramref name="position"/> of a [1, heads, N, D] tensor, as [1, heads, D].</summary>
    public static ReadOnlyHostTensor Step(ReadOnlyHostTensor tensor, int position, int heads)
    {
        ReadOnlySpan<nint> strides = tensor.Layout.Strides;
        return new ReadOnlyHostTensor(tensor.Data[(int)(position * strides[2])..], new TensorLayout([1, heads, tensor.Layout.Lengths[3]], [strides[0], strides[1], strides[3]]));
    }

    private static IEnumerable<int> TopIndices(double[] scores, int k) =>
        Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k);
}

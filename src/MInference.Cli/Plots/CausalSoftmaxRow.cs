namespace MInference.Cli.Plots;

/// <summary>One query row's exact causal attention, in double: what the head pictures bin.</summary>
internal static class CausalSoftmaxRow
{
    /// <summary>
    /// Writes p(row, key) for keys 0 … row into <paramref name="probabilities"/> (at least row + 1 long):
    /// softmax over scale · q · k_key, keys given as contiguous [N, d] rows.
    /// </summary>
    public static void Compute(ReadOnlySpan<float> query, ReadOnlySpan<float> keys, int d, int row, double scale, Span<double> probabilities)
    {
        double max = double.NegativeInfinity;
        for (int key = 0; key <= row; key++)
        {
            double dot = 0;
            ReadOnlySpan<float> keyRow = keys.Slice(key * d, d);
            for (int c = 0; c < d; c++)
            {
                dot += (double)query[c] * keyRow[c];
            }

            probabilities[key] = dot * scale;
            max = Math.Max(max, probabilities[key]);
        }

        double total = 0;
        for (int key = 0; key <= row; key++)
        {
            probabilities[key] = Math.Exp(probabilities[key] - max);
            total += probabilities[key];
        }

        for (int key = 0; key <= row; key++)
        {
            probabilities[key] /= total;
        }
    }
}

namespace MInference.Cli.Sla;

/// <summary>Relative L2 errors of host outputs [B, H, N, D] (contiguous) against dense attention's, in double.</summary>
internal static class SlaOutputErrors
{
    /// <summary>‖actual − expected‖ / ‖expected‖ over every element.</summary>
    public static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        (double difference, double reference) = SquaredSums(actual, expected);
        return Ratio(difference, reference);
    }

    /// <summary>The relative L2 error of each head, over head h's slices of every batch element together.</summary>
    public static double[] PerHead(float[] actual, float[] expected, int batch, int heads)
    {
        int headSize = expected.Length / (batch * heads);
        var errors = new double[heads];
        for (int head = 0; head < heads; head++)
        {
            double difference = 0, reference = 0;
            for (int b = 0; b < batch; b++)
            {
                int offset = ((b * heads) + head) * headSize;
                (double headDifference, double headReference) = SquaredSums(actual.AsSpan(offset, headSize), expected.AsSpan(offset, headSize));
                difference += headDifference;
                reference += headReference;
            }

            errors[head] = Ratio(difference, reference);
        }

        return errors;
    }

    private static (double Difference, double Reference) SquaredSums(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double difference = 0, reference = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double delta = (double)actual[i] - expected[i];
            difference += delta * delta;
            reference += (double)expected[i] * expected[i];
        }

        return (difference, reference);
    }

    private static double Ratio(double difference, double reference) => reference > 0 ? Math.Sqrt(difference / reference) : Math.Sqrt(difference);
}

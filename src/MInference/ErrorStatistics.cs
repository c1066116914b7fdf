namespace MInference;

/// <summary>How far a computed result is from a reference: the numbers accuracy checks compare with tolerances.</summary>
/// <param name="MaxAbsoluteError">max |actual − expected|; +∞ when an actual value is not finite.</param>
/// <param name="RelativeL2Error">‖actual − expected‖₂ / ‖expected‖₂ (over finite values; ‖expected‖₂ = 0 reads as 1).</param>
/// <param name="NonFiniteCount">How many actual values are NaN or infinite.</param>
public readonly record struct ErrorStatistics(double MaxAbsoluteError, double RelativeL2Error, long NonFiniteCount)
{
    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/>, element by element.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static ErrorStatistics Compare(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"actual has {actual.Length} values but expected has {expected.Length}", nameof(expected));
        }

        double maxAbsolute = 0;
        double differenceSquares = 0;
        double expectedSquares = 0;
        long nonFinite = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (!float.IsFinite(actual[i]))
            {
                nonFinite++;
                continue;
            }

            double difference = (double)actual[i] - expected[i];
            maxAbsolute = Math.Max(maxAbsolute, Math.Abs(difference));
            differenceSquares += difference * difference;
            expectedSquares += (double)expected[i] * expected[i];
        }

        double relativeL2 = Math.Sqrt(differenceSquares / (expectedSquares > 0 ? expectedSquares : 1));
        return new ErrorStatistics(nonFinite > 0 ? double.PositiveInfinity : maxAbsolute, relativeL2, nonFinite);
    }

    /// <summary>True when every value is finite and both errors are within the given bounds.</summary>
    public bool IsWithin(double maxAbsoluteError, double relativeL2Error) =>
        NonFiniteCount == 0 && MaxAbsoluteError <= maxAbsoluteError && RelativeL2Error <= relativeL2Error;
}

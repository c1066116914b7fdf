namespace MInference.Cli;

/// <summary>Query rows to check against the CPU reference when checking every row would be too slow.</summary>
internal static class RowSample
{
    /// <summary>Up to <paramref name="count"/> distinct rows spread evenly over [0, length), always including the first and the last.</summary>
    public static int[] Spread(int length, int count)
    {
        if (length <= count)
        {
            return Enumerable.Range(0, length).ToArray();
        }

        return Enumerable.Range(0, count)
            .Select(i => (int)Math.Round(i * (length - 1) / (double)(count - 1)))
            .Distinct()
            .ToArray();
    }
}

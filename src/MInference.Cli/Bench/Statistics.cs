namespace MInference.Cli.Bench;

/// <summary>Summaries of repeated timings.</summary>
internal static class Statistics
{
    /// <summary>The middle value (the mean of the two middle values for an even count).</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        double[] sorted = [.. values.Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

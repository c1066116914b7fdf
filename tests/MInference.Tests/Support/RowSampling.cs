namespace MInference.Tests.Support;

/// <summary>Query rows checked at long sequences, where the CPU reference of every row would be too slow.</summary>
internal static class RowSampling
{
    public const int MinimumRows = 64;
    private const int SpreadRows = 48;

    /// <summary>
    /// The first and last rows, the rows on either side of the 64-row tile edges near the start,
    /// the middle and the end (where causal tiles are full or partial), and rows spread evenly
    /// between: at least <see cref="MinimumRows"/> distinct rows, sorted.
    /// </summary>
    public static int[] TileEdgesAndSpread(int length)
    {
        int middle = length / 2;
        var rows = new SortedSet<int>
        {
            0, 1, 62, 63, 64, 65, 126, 127, 128, 129, 191, 192, 255, 256,
            middle - 1, middle, length - 129, length - 128, length - 65, length - 64, length - 63, length - 2, length - 1,
        };
        for (int i = 0; i < SpreadRows; i++)
        {
            rows.Add((int)((long)i * (length - 1) / (SpreadRows - 1)));
        }

        return rows.Where(row => row >= 0 && row < length).ToArray();
    }
}

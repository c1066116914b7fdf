namespace MInference.Tests.Sparse.Estimation;

/// <summary>
/// Which keys one 64-query block of a Vertical-Slash head covers, computed as sets straight from the
/// definition rather than by the index's two-pointer walk: each slash offset o asks for the keys
/// [end − o − 64, end − o) (end = 64·qb + 64, a range that would start below 0 moves up to [0, 64));
/// the GPU computes them as 64-wide tiles laid from the start of each run of overlapping or touching
/// ranges (so a run may cover up to 63 keys more than its ranges), and each vertical key directly.
/// </summary>
internal static class VerticalSlashCoverageOracle
{
    private const int Block = 64;

    /// <summary>The covered keys of query block <paramref name="queryBlock"/> within [0, min(N, end)), ascending.</summary>
    public static int[] CoveredKeys(int queryBlock, int length, IEnumerable<int> verticals, IEnumerable<int> slashOffsets)
    {
        int end = (queryBlock * Block) + Block;
        var covered = new bool[end + (2 * Block)];
        var ranges = slashOffsets
            .Where(offset => offset < end)
            .Select(offset => Math.Max(end - offset, Block))
            .OrderBy(rangeEnd => rangeEnd)
            .Select(rangeEnd => (Start: rangeEnd - Block, End: rangeEnd));

        int runEnd = int.MinValue;
        foreach ((int start, int rangeEnd) in ranges)
        {
            if (start > runEnd)
            {
                // A gap before this range: a new run starts with exactly this range.
                Mark(covered, start, rangeEnd);
                runEnd = rangeEnd;
            }

            // Otherwise the run grows by whole tiles until it reaches the range's end.
            while (runEnd < rangeEnd)
            {
                Mark(covered, runEnd, runEnd + Block);
                runEnd += Block;
            }
        }

        foreach (int vertical in verticals.Where(vertical => vertical < end))
        {
            covered[vertical] = true;
        }

        int visibleEnd = Math.Min(length, end);
        return Enumerable.Range(0, visibleEnd).Where(key => covered[key]).ToArray();
    }

    /// <summary>The keys the diagonals and verticals ask for, for query row <paramref name="row"/>: i − o for every offset o &lt;= i, and every vertical &lt;= i.</summary>
    public static IEnumerable<int> RequestedKeys(int row, IEnumerable<int> verticals, IEnumerable<int> slashOffsets) =>
        slashOffsets.Where(offset => offset <= row).Select(offset => row - offset).Concat(verticals.Where(vertical => vertical <= row));

    private static void Mark(bool[] covered, int start, int end)
    {
        for (int key = start; key < end; key++)
        {
            covered[key] = true;
        }
    }
}

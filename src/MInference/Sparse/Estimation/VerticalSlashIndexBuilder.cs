using MInference.Sparse.Indexes;

namespace MInference.Sparse.Estimation;

/// <summary>
/// Converts chosen verticals and slashes into a <see cref="VerticalSlashIndex"/>: exactly MInference's
/// <c>convert_vertical_slash_indexes</c> with 64×64 blocks.
/// </summary>
/// <remarks>
/// For query block qb, with start_m = 64·qb and end_m = start_m + 64 (not clamped to N), slash
/// offset o covers keys [end_m − o − 64, end_m − o). The offsets are walked from the largest below
/// end_m down to 0, merging these ranges: e = max(end_m − o, 64) is the end of the next range; a range
/// that starts more than 64 keys after the current one's end (e &gt; range_end + 64) flushes the
/// current range and starts a new one at [e − 64, e); one that ends past the current end extends it
/// by exactly 64 keys (so a merged range covers up to 63 keys more than its diagonals ask for); a
/// flushed range [a, b) becomes the block starts a, a + 64, … below b. In the same walk, each
/// vertical below the current range's start becomes a single column, and a vertical inside the
/// range is dropped (the block computes it). The walk ends once offset 0 (range end end_m) has
/// been merged; verticals beyond that range are past every query of the block.
/// </remarks>
public static class VerticalSlashIndexBuilder
{
    private const int Block = SparseBlocks.Size;

    /// <summary>Builds the index of every (batch, head, query block) of <paramref name="selection"/>.</summary>
    /// <param name="selection">Verticals (ascending) and slash offsets (descending, ending with 0) per (batch, head).</param>
    public static VerticalSlashIndex Build(VerticalSlashSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        int heads = selection.Heads.Length;
        int queryBlocks = SparseBlocks.Count(selection.SequenceLength);
        int lists = selection.BatchSize * heads;
        var blockStarts = new List<int>[lists * queryBlocks];
        var columns = new List<int>[lists * queryBlocks];
        Parallel.For(0, lists, list =>
        {
            ReadOnlySpan<int> verticals = selection.GetVerticals(list / heads, list % heads);
            ReadOnlySpan<int> slashOffsets = selection.GetSlashOffsets(list / heads, list % heads);
            for (int queryBlock = 0; queryBlock < queryBlocks; queryBlock++)
            {
                int row = (list * queryBlocks) + queryBlock;
                (blockStarts[row], columns[row]) = ConvertQueryBlock(queryBlock, verticals, slashOffsets);
            }
        });

        (long[] blockRowPointers, int[] flatBlockStarts) = Flatten(blockStarts);
        (long[] columnRowPointers, int[] flatColumns) = Flatten(columns);
        return new VerticalSlashIndex(
            selection.SequenceLength, selection.BatchSize, selection.Heads.ToArray(), blockRowPointers, flatBlockStarts, columnRowPointers, flatColumns);
    }

    /// <summary>The two-pointer merge of one query block (see the class remarks).</summary>
    internal static (List<int> BlockStarts, List<int> Columns) ConvertQueryBlock(int queryBlock, ReadOnlySpan<int> verticals, ReadOnlySpan<int> slashOffsets)
    {
        var blockStarts = new List<int>();
        var columns = new List<int>();
        int endM = (queryBlock * Block) + Block;
        int exhausted = endM + Block;

        int s = 0;
        while (slashOffsets[s] >= endM)
        {
            s++;
        }

        int rangeEnd = Math.Max(endM - slashOffsets[s++], Block);
        int rangeStart = rangeEnd - Block;
        int v = 0;
        int column = v < verticals.Length ? verticals[v++] : exhausted;
        while (true)
        {
            if (column < rangeEnd)
            {
                if (column < rangeStart)
                {
                    columns.Add(column);
                }

                column = v < verticals.Length ? verticals[v++] : exhausted;
                continue;
            }

            if (s == slashOffsets.Length)
            {
                AddBlocks(blockStarts, rangeStart, rangeEnd);
                break;
            }

            int end = Math.Max(endM - slashOffsets[s++], Block);
            if (end > rangeEnd + Block)
            {
                AddBlocks(blockStarts, rangeStart, rangeEnd);
                rangeStart = end - Block;
                rangeEnd = end;
            }
            else if (end > rangeEnd)
            {
                rangeEnd += Block;
            }
        }

        return (blockStarts, columns);
    }

    private static void AddBlocks(List<int> blockStarts, int rangeStart, int rangeEnd)
    {
        for (int start = rangeStart; start < rangeEnd; start += Block)
        {
            blockStarts.Add(start);
        }
    }

    private static (long[] RowPointers, int[] Values) Flatten(List<int>[] rows)
    {
        var rowPointers = new long[rows.Length + 1];
        for (int row = 0; row < rows.Length; row++)
        {
            rowPointers[row + 1] = rowPointers[row] + rows[row].Count;
        }

        var values = new int[rowPointers[^1]];
        for (int row = 0; row < rows.Length; row++)
        {
            rows[row].CopyTo(values, (int)rowPointers[row]);
        }

        return (rowPointers, values);
    }
}

namespace MInference.Sparse;

/// <summary>
/// The entries a device index makes each (batch, listed head) compute, counted on the host from
/// what is downloaded: the row pointers always (two int64 per query block), the values only when an
/// exact count needs them (streamed in bounded chunks). Each call waits for the work before it on
/// the context's stream. Results are per list, list = batch · heads + slot.
/// </summary>
internal static class DeviceIndexEntries
{
    /// <summary>Values downloaded at a time when streaming an index (64 MiB of int32).</summary>
    private const int ChunkValues = 1 << 24;

    /// <summary>
    /// Vertical-slash entries: with <paramref name="exact"/>, every block start is streamed and
    /// counted with <see cref="SparseDensity.KeyBlockEntries"/>; otherwise the per-row bound of
    /// <see cref="SparseDensity.VerticalSlashRowEntriesBound"/>. Gathered columns are counted from
    /// the row pointers either way (the conversion places them before the query block).
    /// </summary>
    public static long[] VerticalSlash(DeviceVerticalSlashIndex index, bool exact)
    {
        int n = index.SequenceLength;
        long[] blockRows = DownloadRowPointers(index.Blocks);
        long[] columnRows = DownloadRowPointers(index.Columns);
        if (!exact)
        {
            return Accumulate(n, blockRows.Length - 1, (row, queryBlock) => SparseDensity.VerticalSlashRowEntriesBound(
                n, queryBlock, blockRows[row + 1] - blockRows[row], columnRows[row + 1] - columnRows[row]));
        }

        return Stream(index.Blocks, blockRows, n, (row, queryBlock, starts) =>
            SparseDensity.ColumnEntries(n, queryBlock, columnRows[row + 1] - columnRows[row]) + SparseDensity.KeyBlocksEntries(n, queryBlock, starts, keysPerUnit: 1));
    }

    /// <summary>
    /// Block-sparse entries: with <paramref name="exact"/>, every key block is streamed and counted;
    /// otherwise from the block counts, exact for the estimation's indices (diagonal always kept,
    /// every other block before it).
    /// </summary>
    public static long[] BlockSparse(DeviceCsrIndex index, int sequenceLength, bool exact)
    {
        long[] rows = DownloadRowPointers(index);
        if (!exact)
        {
            return Accumulate(sequenceLength, rows.Length - 1, (row, queryBlock) =>
                SparseDensity.BlockSparseRowEntries(sequenceLength, queryBlock, rows[row + 1] - rows[row]));
        }

        return Stream(index, rows, sequenceLength, (_, queryBlock, blocks) =>
            SparseDensity.KeyBlocksEntries(sequenceLength, queryBlock, blocks, keysPerUnit: SparseBlocks.Size));
    }

    /// <summary>A host copy of a block-sparse device index, checked as <see cref="Sparse.BlockSparseIndex"/> checks its arrays.</summary>
    public static BlockSparseIndex DownloadBlockSparse(DeviceCsrIndex index, int sequenceLength, int batchSize, int[] heads)
    {
        long[] rows = DownloadRowPointers(index);
        var blocks = new int[index.ValueCount];
        index.Values.CopyToHost<int>(blocks);
        return new BlockSparseIndex(sequenceLength, batchSize, heads, rows, blocks);
    }

    /// <summary>Sums list entries over the batch: one total per head slot.</summary>
    public static long[] PerHead(long[] listEntries, int headCount)
    {
        var totals = new long[headCount];
        for (int list = 0; list < listEntries.Length; list++)
        {
            totals[list % headCount] += listEntries[list];
        }

        return totals;
    }

    private static long[] DownloadRowPointers(DeviceCsrIndex index)
    {
        var rows = new long[index.RowCount + 1];
        index.RowPointers.CopyToHost<long>(rows);
        return rows;
    }

    /// <summary>Adds each row's entries to its list (row = list · query blocks + query block).</summary>
    private static long[] Accumulate(int sequenceLength, long rowCount, Func<long, int, long> entriesOfRow)
    {
        int queryBlocks = SparseBlocks.Count(sequenceLength);
        var lists = new long[rowCount / queryBlocks];
        for (long row = 0; row < rowCount; row++)
        {
            lists[row / queryBlocks] += entriesOfRow(row, (int)(row % queryBlocks));
        }

        return lists;
    }

    /// <summary>Downloads the values a chunk of rows at a time and adds each row's entries to its list.</summary>
    private static long[] Stream(DeviceCsrIndex index, long[] rows, int sequenceLength, Func<long, int, ReadOnlySpan<int>, long> entriesOfRow)
    {
        int queryBlocks = SparseBlocks.Count(sequenceLength);
        long rowCount = rows.Length - 1;
        var lists = new long[rowCount / queryBlocks];
        int[] chunk = [];
        long first = 0;
        while (first < rowCount)
        {
            // At least one row per chunk, however long it is; otherwise as many as fit ChunkValues.
            long end = first + 1;
            while (end < rowCount && rows[end + 1] - rows[first] <= ChunkValues)
            {
                end++;
            }

            int count = (int)(rows[end] - rows[first]);
            if (chunk.Length < count)
            {
                chunk = new int[Math.Max(count, Math.Min(ChunkValues, (int)Math.Min(index.ValueCount, int.MaxValue)))];
            }

            index.Values.CopyToHost<int>(chunk.AsSpan(0, count), rows[first] * sizeof(int));
            for (long row = first; row < end; row++)
            {
                ReadOnlySpan<int> values = chunk.AsSpan((int)(rows[row] - rows[first]), (int)(rows[row + 1] - rows[row]));
                lists[row / queryBlocks] += entriesOfRow(row, (int)(row % queryBlocks), values);
            }

            first = end;
        }

        return lists;
    }
}

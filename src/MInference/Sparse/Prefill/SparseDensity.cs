using MInference.Sparse.Estimation;
using MInference.Sparse.Gpu;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.Prefill;

/// <summary>
/// How many (query, key) entries a sparse pattern computes in one (batch, head) of a causal prefill
/// over N tokens, counted exactly in closed form from the pattern or its index. A head's density is
/// that count over the N(N+1)/2 entries of dense causal attention; its FLOPs are 4·entries·head_dim.
/// </summary>
/// <remarks>
/// Query block qb holds rows [64·qb, min(64·qb + 64, N)). A 64-key block starting at s (any s, as
/// vertical-slash blocks need not be aligned) gives row r the keys [max(s, 0), min(r, s + 63, N − 1)];
/// a gathered column c gives row r one key when c &lt;= r. Index counts assume what the kernels
/// require anyway: the blocks of a row do not overlap each other or the row's columns.
/// </remarks>
public static class SparseDensity
{
    private const int Block = SparseBlocks.Size;

    /// <summary>Entries of dense causal attention over <paramref name="sequenceLength"/> tokens: N(N+1)/2.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceLength"/> is negative.</exception>
    public static long CausalEntries(int sequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceLength);
        return (long)sequenceLength * (sequenceLength + 1L) / 2;
    }

    /// <summary>
    /// Entries of the A-shape pattern: row i sees min(i + 1, n_init + n_local) keys (the sinks and the
    /// window are disjoint once i &gt;= n_init + n_local), so with C = n_init + n_local the count is
    /// N(N+1)/2 for N &lt;= C and C(C+1)/2 + (N − C)·C beyond.
    /// </summary>
    /// <param name="sequenceLength">N, &gt;= 0.</param>
    /// <param name="pattern">Sink tokens and local window.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceLength"/> is negative.</exception>
    public static long AShapeEntries(int sequenceLength, AShapePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceLength);
        long reach = (long)pattern.SinkTokens + pattern.LocalWindow;
        return sequenceLength <= reach
            ? CausalEntries(sequenceLength)
            : (reach * (reach + 1) / 2) + ((sequenceLength - reach) * reach);
    }

    /// <summary>
    /// Entries the rows of query block <paramref name="queryBlock"/> see in the 64-key block starting
    /// at <paramref name="firstKey"/>: Σ_r max(0, min(r, firstKey + 63, N − 1) − max(firstKey, 0) + 1).
    /// </summary>
    /// <param name="sequenceLength">N, &gt;= 1.</param>
    /// <param name="queryBlock">In [0, ceil(N / 64)).</param>
    /// <param name="firstKey">First key of the block (may be unaligned, or past the diagonal or N).</param>
    /// <exception cref="ArgumentOutOfRangeException">N or the query block is out of range.</exception>
    public static long KeyBlockEntries(int sequenceLength, int queryBlock, long firstKey)
    {
        (long firstRow, long lastRow) = RowsOf(sequenceLength, queryBlock);
        long low = Math.Max(firstKey, 0);
        long high = Math.Min(firstKey + Block - 1, sequenceLength - 1L);
        if (high < low || lastRow < low)
        {
            return 0;
        }

        // Rows in [start, min(lastRow, high)] see r − low + 1 keys; later rows see the whole block.
        long start = Math.Max(firstRow, low);
        long growingEnd = Math.Min(lastRow, high);
        long growing = growingEnd < start ? 0 : ((start - low + 1) + (growingEnd - low + 1)) * (growingEnd - start + 1) / 2;
        long fullRows = lastRow - Math.Max(start, high + 1) + 1;
        return growing + (Math.Max(fullRows, 0) * (high - low + 1));
    }

    /// <summary>
    /// Entries one (batch, head slot) of a vertical-slash index computes: its key blocks
    /// (<see cref="KeyBlockEntries"/>) and its gathered columns (once per row at or after the column).
    /// </summary>
    /// <param name="index">The index, e.g. a GPU-built one downloaded with <see cref="DeviceVerticalSlashIndex.Download"/>.</param>
    /// <param name="batch">In [0, BatchSize).</param>
    /// <param name="headSlot">The head's position in the index's head list.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public static long VerticalSlashEntries(VerticalSlashIndex index, int batch, int headSlot)
    {
        ArgumentNullException.ThrowIfNull(index);
        int n = index.SequenceLength;
        long entries = 0;
        for (int queryBlock = 0; queryBlock < index.QueryBlockCount; queryBlock++)
        {
            entries += KeyBlocksEntries(n, queryBlock, index.GetBlockStarts(batch, headSlot, queryBlock), keysPerUnit: 1);
            (long firstRow, long lastRow) = RowsOf(n, queryBlock);
            foreach (int column in index.GetColumns(batch, headSlot, queryBlock))
            {
                entries += Math.Max(0, lastRow - Math.Max(firstRow, column) + 1);
            }
        }

        return entries;
    }

    /// <summary>Entries one (batch, head slot) of a block-sparse index computes: its 64-key blocks, causally masked.</summary>
    /// <param name="index">The index, e.g. one built by <see cref="BlockSparseEstimation"/>.</param>
    /// <param name="batch">In [0, BatchSize).</param>
    /// <param name="headSlot">The head's position in the index's head list.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public static long BlockSparseEntries(BlockSparseIndex index, int batch, int headSlot)
    {
        ArgumentNullException.ThrowIfNull(index);
        long entries = 0;
        for (int queryBlock = 0; queryBlock < index.QueryBlockCount; queryBlock++)
        {
            entries += KeyBlocksEntries(index.SequenceLength, queryBlock, index.GetBlocks(batch, headSlot, queryBlock), keysPerUnit: Block);
        }

        return entries;
    }

    /// <summary>
    /// <see cref="KeyBlockEntries"/> summed over a row's blocks, each starting at its value times
    /// <paramref name="keysPerUnit"/> (1 for vertical-slash starts, 64 for block-sparse block numbers).
    /// A block wholly before the query block, the common case, costs one comparison.
    /// </summary>
    internal static long KeyBlocksEntries(int sequenceLength, int queryBlock, ReadOnlySpan<int> starts, int keysPerUnit)
    {
        (long firstRow, long lastRow) = RowsOf(sequenceLength, queryBlock);
        long wholeBlock = Block * (lastRow - firstRow + 1);
        long entries = 0;
        foreach (int value in starts)
        {
            long start = (long)value * keysPerUnit;
            entries += start >= 0 && start + Block <= firstRow ? wholeBlock : KeyBlockEntries(sequenceLength, queryBlock, start);
        }

        return entries;
    }

    /// <summary>
    /// A block-sparse row's entries from its block count alone, exact for the estimation's indices:
    /// the diagonal block is always kept (R(R+1)/2 for the block's R rows) and every other kept
    /// block lies wholly before the block (64 keys for each row).
    /// </summary>
    internal static long BlockSparseRowEntries(int sequenceLength, int queryBlock, long blockCount)
    {
        long rows = RowCount(sequenceLength, queryBlock);
        return blockCount == 0 ? 0 : (rows * (rows + 1) / 2) + (rows * Block * (blockCount - 1));
    }

    /// <summary>
    /// An upper bound on a vertical-slash row's entries from its block and column counts alone, for
    /// indices built by MInference's conversion: there the last block starts at 64·qb + δ with δ in
    /// [0, 63] and every block but the last two lies wholly before the query block, so row r sees at
    /// most min(r + 1, 64·(blocks − 1) + columns + r − 64·qb + 1) keys. The bound is exact when δ = 0
    /// and exceeds the exact count by δ &lt;= 63 keys per row otherwise: over a head, by at most
    /// 126/N of the causal entries.
    /// </summary>
    internal static long VerticalSlashRowEntriesBound(int sequenceLength, int queryBlock, long blockCount, long columnCount)
    {
        long rows = RowCount(sequenceLength, queryBlock);
        long before = blockCount == 0 ? columnCount : (Block * (blockCount - 1)) + columnCount;
        return (rows * (rows + 1) / 2) + (rows * Math.Min((long)queryBlock * Block, before));
    }

    /// <summary>Entries of a vertical-slash row's gathered columns, which the conversion places before the query block: one per row and column.</summary>
    internal static long ColumnEntries(int sequenceLength, int queryBlock, long columnCount) => RowCount(sequenceLength, queryBlock) * columnCount;

    private static long RowCount(int sequenceLength, int queryBlock)
    {
        (long firstRow, long lastRow) = RowsOf(sequenceLength, queryBlock);
        return lastRow - firstRow + 1;
    }

    private static (long FirstRow, long LastRow) RowsOf(int sequenceLength, int queryBlock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queryBlock);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(queryBlock, SparseBlocks.Count(sequenceLength));
        long firstRow = (long)queryBlock * Block;
        return (firstRow, Math.Min(firstRow + Block, sequenceLength) - 1);
    }
}

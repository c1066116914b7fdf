using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.References;

/// <summary>
/// The keys each query row of one (batch, head) sees under a sparse pattern, as ascending arrays:
/// the exact semantics of the sparse kernels (and of <see cref="SparseAttentionReference"/>, which
/// computes over these sets). Useful to draw a head's mask or count its entries row by row.
/// </summary>
/// <remarks>
/// Index-driven patterns build one query block's key set at a time and keep the last one, so calls
/// with ascending rows are cheapest; any order works. A returned function is not thread-safe.
/// </remarks>
public static class VisibleKeys
{
    private const int Block = SparseBlocks.Size;

    /// <summary>Dense causal attention: row i sees keys 0..i.</summary>
    public static Func<int, int[]> DenseCausal { get; } = row => Enumerable.Range(0, row + 1).ToArray();

    /// <summary>A-shape: the sinks and the local window, causally (<see cref="AShapeMask"/>).</summary>
    /// <param name="pattern">Sink tokens and local window.</param>
    public static Func<int, int[]> AShape(AShapePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return row =>
        {
            var keys = new List<int>();
            AShapeMask.AddVisibleKeys(row, pattern, keys);
            return keys.ToArray();
        };
    }

    /// <summary>Vertical-Slash: the row's 64-key block runs and gathered columns, causally.</summary>
    /// <param name="index">The index.</param>
    /// <param name="batch">In [0, index.BatchSize).</param>
    /// <param name="headSlot">Position of the head in the index's head list.</param>
    public static Func<int, int[]> VerticalSlash(VerticalSlashIndex index, int batch, int headSlot)
    {
        ArgumentNullException.ThrowIfNull(index);
        _ = index.GetRow(batch, headSlot, 0);
        int n = index.SequenceLength;
        return RowsOfBlocks(queryBlock =>
        {
            int lastRow = BlockLastRow(queryBlock, n);
            var keys = new SortedSet<int>();
            foreach (int start in index.GetBlockStarts(batch, headSlot, queryBlock))
            {
                AddBlock(keys, start, lastRow);
            }

            foreach (int column in index.GetColumns(batch, headSlot, queryBlock))
            {
                if (column <= lastRow)
                {
                    keys.Add(column);
                }
            }

            return keys.ToArray();
        });
    }

    /// <summary>Block-Sparse: the row's listed 64-key blocks, causally.</summary>
    /// <param name="index">The index.</param>
    /// <param name="batch">In [0, index.BatchSize).</param>
    /// <param name="headSlot">Position of the head in the index's head list.</param>
    public static Func<int, int[]> BlockSparse(BlockSparseIndex index, int batch, int headSlot)
    {
        ArgumentNullException.ThrowIfNull(index);
        _ = index.GetRow(batch, headSlot, 0);
        int n = index.SequenceLength;
        return RowsOfBlocks(queryBlock =>
        {
            int lastRow = BlockLastRow(queryBlock, n);
            var keys = new SortedSet<int>();
            foreach (int keyBlock in index.GetBlocks(batch, headSlot, queryBlock))
            {
                AddBlock(keys, keyBlock * Block, lastRow);
            }

            return keys.ToArray();
        });
    }

    /// <summary>Adds the 64 keys from <paramref name="start"/> (which may be negative), cut at the block's last row.</summary>
    private static void AddBlock(SortedSet<int> keys, int start, int lastRow)
    {
        for (int key = Math.Max(start, 0); key < start + Block && key <= lastRow; key++)
        {
            keys.Add(key);
        }
    }

    /// <summary>The last query row of a query block: min(64·qb + 64, N) − 1.</summary>
    private static int BlockLastRow(int queryBlock, int n) => Math.Min((queryBlock * Block) + Block, n) - 1;

    /// <summary>
    /// Turns a per-query-block key set (ascending, within the block's last row) into a per-row
    /// function: the keys &lt;= row. The set of the current block is computed once and kept.
    /// </summary>
    private static Func<int, int[]> RowsOfBlocks(Func<int, int[]> keysOfBlock)
    {
        int currentBlock = -1;
        int[] blockKeys = [];
        return row =>
        {
            if (row / Block != currentBlock)
            {
                currentBlock = row / Block;
                blockKeys = keysOfBlock(currentBlock);
            }

            int count = 0;
            while (count < blockKeys.Length && blockKeys[count] <= row)
            {
                count++;
            }

            return blockKeys[..count];
        };
    }
}

using MInference.Sparse.Indexes;

namespace MInference.Multimodal;

/// <summary>
/// What the MMInference heads (grid and boundary) run on, per (batch element, head): the head's
/// token order and, per 64-slot block of reordered queries, the kept 64-slot blocks of reordered
/// keys (any block, ascending: after the reordering causality is no longer a triangle). Query slot
/// p (original position i = OriginalOrder[p]) sees original key j when j's slot lies in a kept
/// block of p's block and j ≤ i: causality on original positions.
/// </summary>
public sealed class PermutedBlockIndex
{
    private readonly TokenOrder[] _orders;

    /// <summary>Pairs a block index in reordered space with one token order per (batch, head slot).</summary>
    /// <param name="blocks">Kept key blocks of each reordered query block; its heads are the heads computed.</param>
    /// <param name="orders">BatchSize × heads orders, batch-major, each over N tokens.</param>
    /// <exception cref="ArgumentException">The counts or lengths disagree.</exception>
    public PermutedBlockIndex(BlockSparseIndex blocks, IReadOnlyList<TokenOrder> orders)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(orders);
        int expected = blocks.BatchSize * blocks.Heads.Length;
        if (orders.Count != expected)
        {
            throw new ArgumentException($"{orders.Count} token orders; expected one per (batch, head): {expected}", nameof(orders));
        }

        for (int i = 0; i < orders.Count; i++)
        {
            if (orders[i] is null || orders[i].SequenceLength != blocks.SequenceLength)
            {
                throw new ArgumentException($"orders[{i}] covers {orders[i]?.SequenceLength.ToString() ?? "null"} tokens; expected N = {blocks.SequenceLength}", nameof(orders));
            }
        }

        Blocks = blocks;
        _orders = [.. orders];
    }

    /// <summary>The kept blocks, in reordered space.</summary>
    public BlockSparseIndex Blocks { get; }

    /// <summary>N.</summary>
    public int SequenceLength => Blocks.SequenceLength;

    /// <summary>Batch elements.</summary>
    public int BatchSize => Blocks.BatchSize;

    /// <summary>The heads, in slot order.</summary>
    public ReadOnlyMemory<int> Heads => Blocks.Heads;

    /// <summary>The token order of (batch, head slot).</summary>
    public TokenOrder Order(int batch, int headSlot)
    {
        _ = Blocks.GetRow(batch, headSlot, 0);
        return _orders[(batch * Blocks.Heads.Length) + headSlot];
    }

    /// <summary>Kept (query, key) pairs over all causal pairs N(N + 1)/2 of (batch, head slot).</summary>
    public double Density(int batch, int headSlot)
    {
        long kept = 0;
        Func<int, int[]> visible = VisibleKeys(batch, headSlot);
        for (int row = 0; row < SequenceLength; row++)
        {
            kept += visible(row).Length;
        }

        return kept / ((double)SequenceLength * (SequenceLength + 1) / 2);
    }

    /// <summary>An index read back from the device: CSR rows over (batch, head slot, query block) and the orders as one flat [batch, heads, N] array.</summary>
    internal static PermutedBlockIndex FromDevice(int sequenceLength, int batch, int[] heads, long[] rowPointers, int[] blocks, int[] order)
    {
        var orders = new TokenOrder[batch * heads.Length];
        for (int list = 0; list < orders.Length; list++)
        {
            orders[list] = new TokenOrder(order.AsSpan(list * sequenceLength, sequenceLength));
        }

        return new PermutedBlockIndex(new BlockSparseIndex(sequenceLength, batch, heads, rowPointers, blocks), orders);
    }

    /// <summary>
    /// Query-key pairs of every kept 64 × 64 tile, over all rows (a last block counts its real
    /// slots only): what the kernel computes, pairs masked by causality included. Linear in the
    /// index's size, unlike <see cref="Density"/>.
    /// </summary>
    public long ComputedEntries()
    {
        int n = SequenceLength;
        int blocks = Blocks.QueryBlockCount;
        long Size(int block) => Math.Min(BlockSparseIndex.BlockSize, n - ((long)BlockSparseIndex.BlockSize * block));
        long entries = 0;
        for (int batch = 0; batch < BatchSize; batch++)
        {
            for (int slot = 0; slot < Heads.Length; slot++)
            {
                for (int queryBlock = 0; queryBlock < blocks; queryBlock++)
                {
                    foreach (int keyBlock in Blocks.GetBlocks(batch, slot, queryBlock))
                    {
                        entries += Size(queryBlock) * Size(keyBlock);
                    }
                }
            }
        }

        return entries;
    }

    /// <summary>The original key positions original query row i sees, ascending (for pictures, density and the original-order reference).</summary>
    public Func<int, int[]> VisibleKeys(int batch, int headSlot)
    {
        TokenOrder permutation = Order(batch, headSlot);
        int n = SequenceLength;
        return row =>
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, n);
            int queryBlock = permutation.PermutedSlots[row] / BlockSparseIndex.BlockSize;
            var keys = new List<int>();
            foreach (int keyBlock in Blocks.GetBlocks(batch, headSlot, queryBlock))
            {
                int end = Math.Min(n, (keyBlock + 1) * BlockSparseIndex.BlockSize);
                for (int slot = keyBlock * BlockSparseIndex.BlockSize; slot < end; slot++)
                {
                    int key = permutation.OriginalOrder[slot];
                    if (key <= row)
                    {
                        keys.Add(key);
                    }
                }
            }

            keys.Sort();
            return [.. keys];
        };
    }
}

using MInference.Sparse.Indexes;

namespace MInference.Multimodal;

/// <summary>
/// What grid attention runs on, per (batch element, head): the head's permutation and, per 64-row
/// block of permuted queries, the kept 64-key blocks of permuted keys (any block, ascending: after
/// the permutation causality is no longer a triangle). Permuted query slot p (original position
/// i = OriginalOrder[p]) sees original key j when j's slot lies in a kept block of p's block and
/// j ≤ i: causality on original positions.
/// </summary>
public sealed class GridIndex
{
    private readonly GridPermutation[] _permutations;

    /// <summary>Pairs a block index in permuted space with one permutation per (batch, head slot).</summary>
    /// <param name="blocks">Kept key blocks of each permuted query block; its heads are the grid heads.</param>
    /// <param name="permutations">BatchSize × heads permutations, batch-major, each over N tokens.</param>
    /// <exception cref="ArgumentException">The counts or lengths disagree.</exception>
    public GridIndex(BlockSparseIndex blocks, IReadOnlyList<GridPermutation> permutations)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(permutations);
        int expected = blocks.BatchSize * blocks.Heads.Length;
        if (permutations.Count != expected)
        {
            throw new ArgumentException($"{permutations.Count} permutations; expected one per (batch, head): {expected}", nameof(permutations));
        }

        for (int i = 0; i < permutations.Count; i++)
        {
            if (permutations[i] is null || permutations[i].SequenceLength != blocks.SequenceLength)
            {
                throw new ArgumentException($"permutations[{i}] covers {permutations[i]?.SequenceLength.ToString() ?? "null"} tokens; expected N = {blocks.SequenceLength}", nameof(permutations));
            }
        }

        Blocks = blocks;
        _permutations = [.. permutations];
    }

    /// <summary>The kept blocks, in permuted space.</summary>
    public BlockSparseIndex Blocks { get; }

    /// <summary>N.</summary>
    public int SequenceLength => Blocks.SequenceLength;

    /// <summary>Batch elements.</summary>
    public int BatchSize => Blocks.BatchSize;

    /// <summary>The grid heads, in slot order.</summary>
    public ReadOnlyMemory<int> Heads => Blocks.Heads;

    /// <summary>The permutation of (batch, head slot).</summary>
    public GridPermutation Permutation(int batch, int headSlot)
    {
        _ = Blocks.GetRow(batch, headSlot, 0);
        return _permutations[(batch * Blocks.Heads.Length) + headSlot];
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

    /// <summary>The original key positions original query row i sees, ascending (for pictures, density and the original-order reference).</summary>
    public Func<int, int[]> VisibleKeys(int batch, int headSlot)
    {
        GridPermutation permutation = Permutation(batch, headSlot);
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

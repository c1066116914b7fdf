using MInference.Sparse;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;

namespace MInference.Multimodal;

/// <summary>
/// The CPU reference of grid estimation and block selection: per (batch, head) the stride and phase
/// (<see cref="GridEstimation"/>), then in permuted space the kept key blocks of every 64-row query
/// block (<see cref="GridPattern"/>): its diagonal block, the vertical-line class's blocks and the
/// top-k others by pooled score Q̄_qb · K̄_kb (means over each permuted block, the last over its
/// real rows), ties to the smaller block. Only causally reachable blocks count: key block kb can
/// serve query block qb only when its smallest original position is at most qb's largest.
/// </summary>
public static class GridBlockSelection
{
    private const int Block = BlockSparseIndex.BlockSize;

    /// <summary>Estimates and selects for the given heads in every batch element.</summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="heads">The grid heads (distinct, in [0, H)); the index follows this order.</param>
    /// <param name="modalities">The prompt's modality map (N tokens).</param>
    /// <param name="pattern">Blocks kept beyond the forced ones.</param>
    /// <param name="options">Stride search settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">A shape rule is broken, the map's length is not N, or the head list is empty or repeats a head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head or a setting is out of range.</exception>
    public static GridIndex Estimate(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlySpan<int> heads, ModalityMap modalities, GridPattern pattern, GridEstimationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(modalities);
        pattern.Validate();
        CausalProblem problem = CausalProblem.Validate(q, k);
        int[] headList = problem.RequireHeads(heads, nameof(heads));
        int n = problem.SequenceLength;
        if (modalities.SequenceLength != n)
        {
            throw new ArgumentException($"the modality map covers {modalities.SequenceLength} tokens; expected N = {n}", nameof(modalities));
        }

        int blocks = SparseBlocks.Count(n);
        int lists = problem.Batch * headList.Length;
        var permutations = new GridPermutation[lists];
        var rows = new int[lists * blocks][];
        Parallel.For(0, lists, list =>
        {
            int batch = list / headList.Length;
            int head = headList[list % headList.Length];
            GridPermutation permutation = GridEstimation.Estimate(q, k, batch, head, modalities, options).Permutation(n);
            permutations[list] = permutation;
            double[] pooledQueries = PermutedMeans(new HeadRows(q, batch, head), permutation);
            double[] pooledKeys = PermutedMeans(new HeadRows(k, batch, head / problem.GroupSize), permutation);
            (int[] minimum, int[] maximum) = BlockPositionRanges(permutation);
            int lineBlocks = SparseBlocks.Count(permutation.ClassSize(0));
            int dim = problem.HeadDim;
            for (int queryBlock = 0; queryBlock < blocks; queryBlock++)
            {
                var ranked = new double[blocks];
                for (int keyBlock = 0; keyBlock < blocks; keyBlock++)
                {
                    if (minimum[keyBlock] > maximum[queryBlock])
                    {
                        ranked[keyBlock] = double.NegativeInfinity;  // every key after every query
                        continue;
                    }

                    bool forced = keyBlock == queryBlock || keyBlock < lineBlocks;
                    double dot = 0;
                    for (int d = 0; d < dim; d++)
                    {
                        dot += pooledQueries[(queryBlock * dim) + d] * pooledKeys[(keyBlock * dim) + d];
                    }

                    ranked[keyBlock] = forced ? double.PositiveInfinity : dot;
                }

                int reachable = ranked.Count(double.IsFinite) + ranked.Count(double.IsPositiveInfinity);
                int forcedCount = ranked.Count(double.IsPositiveInfinity);
                int[] selected = TopK.Select(ranked, Math.Min(reachable, forcedCount + pattern.TopKBlocks));
                Array.Sort(selected);
                rows[(list * blocks) + queryBlock] = selected;
            }
        });

        var rowPointers = new long[rows.Length + 1];
        for (int row = 0; row < rows.Length; row++)
        {
            rowPointers[row + 1] = rowPointers[row] + rows[row].Length;
        }

        var index = new BlockSparseIndex(n, problem.Batch, headList, rowPointers, rows.SelectMany(row => row).ToArray());
        return new GridIndex(index, permutations);
    }

    /// <summary>[blocks, D]: the mean of each block of permuted rows (the last block over its real rows).</summary>
    private static double[] PermutedMeans(HeadRows rows, GridPermutation permutation)
    {
        int n = permutation.SequenceLength;
        int dim = rows.Dim;
        var pooled = new double[SparseBlocks.Count(n) * dim];
        for (int slot = 0; slot < n; slot++)
        {
            int row = permutation.OriginalOrder[slot];
            for (int d = 0; d < dim; d++)
            {
                pooled[(slot / Block * dim) + d] += rows[row, d];
            }
        }

        for (int block = 0; block < SparseBlocks.Count(n); block++)
        {
            int count = Math.Min(Block, n - (block * Block));
            for (int d = 0; d < dim; d++)
            {
                pooled[(block * dim) + d] /= count;
            }
        }

        return pooled;
    }

    /// <summary>The smallest and largest original position in each block of permuted slots.</summary>
    private static (int[] Minimum, int[] Maximum) BlockPositionRanges(GridPermutation permutation)
    {
        int n = permutation.SequenceLength;
        int blocks = SparseBlocks.Count(n);
        var minimum = Enumerable.Repeat(int.MaxValue, blocks).ToArray();
        var maximum = new int[blocks];
        for (int slot = 0; slot < n; slot++)
        {
            int position = permutation.OriginalOrder[slot];
            minimum[slot / Block] = Math.Min(minimum[slot / Block], position);
            maximum[slot / Block] = Math.Max(maximum[slot / Block], position);
        }

        return (minimum, maximum);
    }
}

using MInference.Sparse;
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
    /// <summary>Estimates and selects for the given heads in every batch element.</summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="heads">The grid heads (distinct, in [0, H)); the index follows this order.</param>
    /// <param name="modalities">The prompt's modality map (N tokens).</param>
    /// <param name="pattern">Blocks kept beyond the forced ones.</param>
    /// <param name="options">Stride search settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">A shape rule is broken, the map's length is not N, or the head list is empty or repeats a head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head or a setting is out of range.</exception>
    public static PermutedBlockIndex Estimate(
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
        var orders = new TokenOrder[lists];
        var rows = new int[lists * blocks][];
        Parallel.For(0, lists, list =>
        {
            int batch = list / headList.Length;
            int head = headList[list % headList.Length];
            GridPermutation permutation = GridEstimation.Estimate(q, k, batch, head, modalities, options).Permutation(n);
            orders[list] = permutation.Order;
            var scores = new ReorderedBlockScores(new HeadRows(q, batch, head), new HeadRows(k, batch, head / problem.GroupSize), permutation.Order);
            int lineBlocks = SparseBlocks.Count(permutation.ClassSize(0));
            for (int queryBlock = 0; queryBlock < blocks; queryBlock++)
            {
                var kept = new SortedSet<int>();
                scores.SelectInRange(queryBlock, 0, blocks, pattern.TopKBlocks, keyBlock => keyBlock == queryBlock || keyBlock < lineBlocks, kept);
                rows[(list * blocks) + queryBlock] = [.. kept];
            }
        });

        return new PermutedBlockIndex(ReorderedBlockScores.ToIndex(n, problem.Batch, headList, rows), orders);
    }
}

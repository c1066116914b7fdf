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
        pattern.Validate();
        (CausalProblem problem, int[] headList) = PermutedSelection.Validate(q, k, heads, modalities, nameof(heads));
        int n = problem.SequenceLength;
        int blocks = SparseBlocks.Count(n);
        return PermutedSelection.Build(problem, headList, (batch, head) =>
        {
            GridPermutation permutation = GridEstimation.Estimate(q, k, batch, head, modalities, options).Permutation(n);
            var scores = new ReorderedBlockScores(new HeadRows(q, batch, head), new HeadRows(k, batch, head / problem.GroupSize), permutation.Order);
            int lineBlocks = SparseBlocks.Count(permutation.ClassSize(0));
            return (permutation.Order, queryBlock =>
            {
                var kept = new SortedSet<int>();
                scores.SelectInRange(queryBlock, 0, blocks, pattern.TopKBlocks, keyBlock => keyBlock == queryBlock || keyBlock < lineBlocks, kept);
                return [.. kept];
            });
        });
    }
}

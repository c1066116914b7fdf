using MInference.Sparse;
using MInference.Sparse.Indexes;

namespace MInference.Multimodal;

/// <summary>
/// The CPU reference of grid estimation and block selection: per (batch, head) the stride and phase
/// (<see cref="GridEstimation"/>), then in permuted space the kept key blocks of every 64-row query
/// block (<see cref="GridPattern"/>): min(KeptBlocks, blocks) of them, in tiers — its diagonal block,
/// the vertical-line class's blocks, the others — by pooled score Q̄_qb · K̄_kb within a tier (means
/// over each permuted block, the last over its real rows; ties to the smaller block). Key block kb
/// can serve query block qb only when its smallest original position is at most qb's largest; the
/// others come last. The device twin is <see cref="GridGpu.Select"/>.
/// </summary>
public static class GridBlockSelection
{
    /// <summary>Estimates and selects for the given heads in every batch element.</summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="heads">The grid heads (distinct, in [0, H)); the index follows this order.</param>
    /// <param name="modalities">The prompt's modality map (N tokens).</param>
    /// <param name="pattern">Blocks kept per query block.</param>
    /// <param name="options">Stride search settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">A shape rule is broken, the map's length is not N, or the head list is empty or repeats a head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head or a setting is out of range.</exception>
    public static PermutedBlockIndex Estimate(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlySpan<int> heads, ModalityMap modalities, GridPattern pattern, GridEstimationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        (CausalProblem problem, int[] headList) = PermutedSelection.Validate(q, k, heads, modalities, nameof(heads));
        int n = problem.SequenceLength;
        return Select(q, k, problem, headList, (batch, head) => GridEstimation.Estimate(q, k, batch, head, modalities, options).Permutation(n), pattern);
    }

    /// <summary>
    /// Selection alone, with each (batch, head)'s permutation given (the device's estimate, say):
    /// the same index <see cref="GridGpu.Select"/> builds from those strides and phases.
    /// </summary>
    internal static PermutedBlockIndex Select(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, CausalProblem problem, int[] heads, Func<int, int, GridPermutation> permutationOf, GridPattern pattern)
    {
        return PermutedSelection.Build(problem, heads, (batch, head) =>
        {
            GridPermutation permutation = permutationOf(batch, head);
            var scores = new ReorderedBlockScores(new HeadRows(q, batch, head), new HeadRows(k, batch, head / problem.GroupSize), permutation.Order);
            int lineBlocks = SparseBlocks.Count(permutation.ClassSize(0));
            return (permutation.Order, queryBlock => scores.SelectTiered(queryBlock, pattern.KeptBlocks, lineBlocks));
        });
    }
}

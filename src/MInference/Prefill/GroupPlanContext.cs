using MInference.Sparse;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Prefill;

/// <summary>What every group of a plan is planned against: the layer's shape, dtype, options and cost model.</summary>
/// <param name="Problem">Batch, heads, sequence length and head_dim.</param>
/// <param name="DType">The element type of q, k, v and the output.</param>
/// <param name="Options">The fallback policy.</param>
/// <param name="Costs">The cost model of the backend the plan runs on.</param>
internal sealed record GroupPlanContext(CausalProblem Problem, DType DType, SparsePrefillOptions Options, PrefillCostModel Costs)
{
    /// <summary>Causal entries of one head over the batch: the denominator of its density.</summary>
    public long CausalEntriesPerHead => Problem.Batch * SparseDensity.CausalEntries(Problem.SequenceLength);

    /// <summary>The cost of running one head dense, over the batch.</summary>
    public double DenseCost => HeadCosts.Dense(Costs, Problem.SequenceLength, Problem.Batch, Problem.HeadDim);

    /// <summary>Query blocks of one head and batch element.</summary>
    public int QueryBlocks => SparseBlocks.Count(Problem.SequenceLength);

    /// <summary>The fallback of one head decided before estimation, or null: the user's length limits first, then the density limit, then the cost model.</summary>
    /// <param name="head">The head.</param>
    /// <param name="pattern">Its pattern.</param>
    /// <param name="density">Its density when known in advance (null when it needs an estimate).</param>
    /// <param name="sparseCost">What its pattern is expected to cost, its own estimation included (exactly known for A-shape and block-sparse).</param>
    /// <param name="sharedCost">Its share of the group's fixed costs (launches, fixed estimation cost).</param>
    public DenseFallback? DecideBeforeRun(int head, HeadPattern pattern, double? density, double sparseCost, double sharedCost)
    {
        if (Options.IsTooShort(Problem.SequenceLength, pattern))
        {
            return new DenseFallback(head, DenseFallbackReason.ShortSequence, null);
        }

        if (density is { } known && Options.IsTooDense(known))
        {
            return new DenseFallback(head, DenseFallbackReason.DensityAboveLimit, known);
        }

        return sparseCost + sharedCost < DenseCost ? null : new DenseFallback(head, DenseFallbackReason.PredictedSlower, density);
    }
}

using MInference.Prefill;
using MInference.Prefill.Groups;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Sparse.Patterns;

/// <summary>Dense causal attention (<c>"dense"</c>): query i sees every key j &lt;= i. All instances are equal.</summary>
public sealed record DensePattern : HeadPattern
{
    /// <summary>The JSON name, <c>"dense"</c>.</summary>
    public const string Name = "dense";

    /// <inheritdoc/>
    public override string JsonName => Name;

    internal override (int First, int Second) JsonSizes => (0, 0);

    internal override Kinds.PatternKind Kind => Kinds.DenseKind.Instance;

    internal override bool IsEstimated => false;

    internal override ReferenceGroup RunReference(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, int[] heads, HostTensor output, Memory<float> logSumExp, SparseReferenceOptions options)
    {
        SparseAttentionReference.DenseCausal(q, k, v, heads, output, logSumExp, options);
        long entries = q.Layout.Lengths[0] * SparseDensity.CausalEntries((int)q.Layout.Lengths[2]);
        return new ReferenceGroup([.. heads.Select(_ => entries)], _ => VisibleKeys.DenseCausal);
    }

    internal override Func<int, int[]> VisibleKeysOf(PatternGroupReport group, int head) => VisibleKeys.DenseCausal;

    internal override GroupPlan CreateGroupPlan(GroupPlanContext context, int[] heads) => new DenseGroupPlan(context, this, heads);

    /// <summary><c>dense</c>.</summary>
    public override string ToString() => Name;
}

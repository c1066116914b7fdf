using MInference.Prefill;
using MInference.Prefill.Groups;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Sparse.Patterns;

/// <summary>
/// A-shape (<c>"stream_llm"</c>, StreamingLLM): query i sees key j when j &lt;= i and either
/// j &lt; <see cref="SinkTokens"/> (the attention sinks at the start) or j &gt; i − <see cref="LocalWindow"/>
/// (the local window, the query itself included). See <see cref="AShapeMask"/>.
/// </summary>
/// <param name="SinkTokens">MInference's n_init: leading keys every query sees.</param>
/// <param name="LocalWindow">MInference's n_local: how many of the most recent keys (the query's own included) each query sees.</param>
public sealed record AShapePattern(int SinkTokens, int LocalWindow) : HeadPattern
{
    /// <summary>The JSON name, <c>"stream_llm"</c>.</summary>
    public const string Name = "stream_llm";

    /// <summary>Leading keys every query sees, in [0, <see cref="HeadPattern.MaxSize"/>] (0: a pure sliding window).</summary>
    public int SinkTokens { get; } = RequireSize(SinkTokens, 0, nameof(SinkTokens));

    /// <summary>Recent keys each query sees, its own included, in [1, <see cref="HeadPattern.MaxSize"/>].</summary>
    public int LocalWindow { get; } = RequireSize(LocalWindow, 1, nameof(LocalWindow));

    /// <inheritdoc/>
    public override string JsonName => Name;

    internal override (int First, int Second) JsonSizes => (SinkTokens, LocalWindow);

    internal override Kinds.PatternKind Kind => Kinds.AShapeKind.Instance;

    internal override bool IsEstimated => false;

    internal override ReferenceGroup RunReference(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, int[] heads, HostTensor output, Memory<float> logSumExp, SparseReferenceOptions options)
    {
        SparseAttentionReference.AShape(q, k, v, heads, this, output, logSumExp, options);
        long entries = q.Layout.Lengths[0] * SparseDensity.AShapeEntries((int)q.Layout.Lengths[2], this);
        return new ReferenceGroup([.. heads.Select(_ => entries)], _ => VisibleKeys.AShape(this));
    }

    internal override Func<int, int[]> VisibleKeysOf(PatternGroupReport group, int head) => VisibleKeys.AShape(this);

    internal override GroupPlan CreateGroupPlan(GroupPlanContext context, int[] heads) => new AShapeGroupPlan(context, this, heads);

    /// <summary>For example <c>stream_llm(100, 800)</c>.</summary>
    public override string ToString() => $"{Name}({SinkTokens}, {LocalWindow})";
}

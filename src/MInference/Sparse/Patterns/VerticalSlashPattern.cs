using MInference.Prefill;
using MInference.Prefill.Groups;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Sparse.Patterns;

/// <summary>
/// Vertical-Slash (<c>"vertical_and_slash"</c>): each query sees a few whole key columns ("verticals",
/// such as attention sinks) and a few diagonals i − j = offset ("slashes", such as the local window),
/// both chosen per input from the last 64 queries' attention (see <see cref="VerticalSlashEstimation"/>).
/// </summary>
/// <param name="VerticalSize">Key columns to keep; the estimation keeps at least 30 (the first 30 are always kept).</param>
/// <param name="SlashSize">Diagonals to keep; the estimation keeps at least 50 (offsets 0..99 come first).</param>
public sealed record VerticalSlashPattern(int VerticalSize, int SlashSize) : HeadPattern
{
    /// <summary>The JSON name, <c>"vertical_and_slash"</c>.</summary>
    public const string Name = "vertical_and_slash";

    /// <summary>Key columns to keep, in [1, <see cref="HeadPattern.MaxSize"/>].</summary>
    public int VerticalSize { get; } = RequireSize(VerticalSize, 1, nameof(VerticalSize));

    /// <summary>Diagonals to keep, in [1, <see cref="HeadPattern.MaxSize"/>].</summary>
    public int SlashSize { get; } = RequireSize(SlashSize, 1, nameof(SlashSize));

    /// <inheritdoc/>
    public override string JsonName => Name;

    internal override (int First, int Second) JsonSizes => (VerticalSize, SlashSize);

    internal override Kinds.PatternKind Kind => Kinds.VerticalSlashKind.Instance;

    internal override bool IsEstimated => true;

    internal override ReferenceGroup RunReference(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, int[] heads, HostTensor output, Memory<float> logSumExp, SparseReferenceOptions options)
    {
        VerticalSlashEstimate estimate = VerticalSlashEstimation.Estimate(q, k, heads, this, options.SoftmaxScale);
        VerticalSlashIndex index = VerticalSlashIndexBuilder.Build(estimate.Selection);
        SparseAttentionReference.VerticalSlash(q, k, v, index, output, logSumExp, options);
        long[] entries = [.. heads.Select((_, slot) => Enumerable.Range(0, index.BatchSize).Sum(batch => SparseDensity.VerticalSlashEntries(index, batch, slot)))];
        return new ReferenceGroup(entries, slot => VisibleKeys.VerticalSlash(index, 0, slot), [.. heads.Select((_, slot) => IndexTiles.Of(index, slot))]);
    }

    internal override Func<int, int[]> VisibleKeysOf(PatternGroupReport group, int head)
    {
        VerticalSlashIndex index = group.VerticalSlashIndex ?? throw new InvalidOperationException($"{group}: no index copy (KeepIndices off)");
        return VisibleKeys.VerticalSlash(index, 0, index.Heads.Span.IndexOf(head));
    }

    internal override GroupPlan CreateGroupPlan(GroupPlanContext context, int[] heads) => new VerticalSlashGroupPlan(context, this, heads);

    /// <summary>For example <c>vertical_and_slash(1000, 6096)</c>.</summary>
    public override string ToString() => $"{Name}({VerticalSize}, {SlashSize})";
}

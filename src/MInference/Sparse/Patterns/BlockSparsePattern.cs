using MInference.Prefill;
using MInference.Prefill.Groups;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Sparse.Patterns;

/// <summary>
/// Block-Sparse (<c>"block_sparse"</c>): each 64-query block sees the <see cref="TopKBlocks"/> 64-key
/// blocks whose mean-pooled scores are highest, always including key block 0 and its own (diagonal)
/// block (see <see cref="BlockSparseEstimation"/>).
/// </summary>
/// <param name="TopKBlocks">Key blocks kept per query block (fewer where fewer are causally visible).</param>
public sealed record BlockSparsePattern(int TopKBlocks) : HeadPattern
{
    /// <summary>The JSON name, <c>"block_sparse"</c>.</summary>
    public const string Name = "block_sparse";

    /// <summary>Key blocks kept per query block, in [1, <see cref="HeadPattern.MaxSize"/>].</summary>
    public int TopKBlocks { get; } = RequireSize(TopKBlocks, 1, nameof(TopKBlocks));

    /// <inheritdoc/>
    public override string JsonName => Name;

    internal override (int First, int Second) JsonSizes => (TopKBlocks, 0);

    internal override Kinds.PatternKind Kind => Kinds.BlockSparseKind.Instance;

    internal override bool IsEstimated => true;

    internal override ReferenceGroup RunReference(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, int[] heads, HostTensor output, Memory<float> logSumExp, SparseReferenceOptions options)
    {
        BlockSparseIndex index = BlockSparseEstimation.Estimate(q, k, heads, this);
        SparseAttentionReference.BlockSparse(q, k, v, index, output, logSumExp, options);
        long[] entries = [.. heads.Select((_, slot) => Enumerable.Range(0, index.BatchSize).Sum(batch => SparseDensity.BlockSparseEntries(index, batch, slot)))];
        return new ReferenceGroup(entries, slot => VisibleKeys.BlockSparse(index, 0, slot));
    }

    internal override Func<int, int[]> VisibleKeysOf(PatternGroupReport group, int head)
    {
        BlockSparseIndex index = group.BlockSparseIndex ?? throw new InvalidOperationException($"{group}: no index copy (KeepIndices off)");
        return VisibleKeys.BlockSparse(index, 0, index.Heads.Span.IndexOf(head));
    }

    internal override GroupPlan CreateGroupPlan(GroupPlanContext context, int[] heads) => new BlockSparseGroupPlan(context, this, heads);

    /// <summary>For example <c>block_sparse(100)</c>.</summary>
    public override string ToString() => $"{Name}({TopKBlocks})";
}

using MInference.Prefill;
using MInference.Prefill.Groups;
using MInference.Sparse;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Multimodal;

/// <summary>
/// MMInference's grid head (<c>"grid"</c> in a pattern file, an extension MInference's loader does
/// not read): online, per head, the grid stride and phase from the last-query approximation
/// (<see cref="GridEstimation"/>; candidate strides from the prompt's modality map and a search over
/// small strides), the permutation that groups tokens by phase class, and per 64-row block of
/// permuted queries min(<see cref="KeptBlocks"/>, blocks) key blocks, in tiers: its diagonal block
/// (every query sees its own key), then the blocks of the vertical-line class (the first
/// ClassSize(0) permuted keys), then the others, by pooled score within a tier; key blocks wholly
/// after the query block in original positions come last (they compute nothing and fill rows that
/// reach fewer blocks than the budget). A fixed row length lets the device size the index before it
/// knows the stride.
/// </summary>
/// <param name="KeptBlocks">Key blocks kept per query block.</param>
public sealed record GridPattern(int KeptBlocks) : HeadPattern
{
    /// <summary>The JSON name, <c>"grid"</c>.</summary>
    public const string Name = "grid";

    /// <summary>Key blocks kept per permuted query block, in [1, <see cref="HeadPattern.MaxSize"/>].</summary>
    public int KeptBlocks { get; } = RequireSize(KeptBlocks, 1, nameof(KeptBlocks));

    /// <inheritdoc/>
    public override string JsonName => Name;

    internal override (int First, int Second) JsonSizes => (KeptBlocks, 0);

    internal override Sparse.Patterns.Kinds.PatternKind Kind => GridKind.Instance;

    internal override bool IsEstimated => true;

    internal override ReferenceGroup RunReference(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, int[] heads, HostTensor output, Memory<float> logSumExp, SparseReferenceOptions options)
    {
        SparseReferenceRun run = SparseReferenceRun.Create(q, k, v, output, logSumExp, options, heads, nameof(heads));
        ModalityMap modalities = options.Modalities ?? ModalityMap.AllText(run.Problem.SequenceLength);
        PermutedBlockIndex index = GridBlockSelection.Estimate(q, k, heads, modalities, this);
        // In original order over each row's visible keys (which honours options.QueryRows); the tests
        // check it against the explicit permutation (PermutedBlockReference).
        run.Execute((batch, slot) => index.VisibleKeys(batch, slot));
        long causal = SparseDensity.CausalEntries(index.SequenceLength);
        long[] entries = [.. heads.Select((_, slot) => Enumerable.Range(0, index.BatchSize).Sum(batch => (long)Math.Round(index.Density(batch, slot) * causal)))];
        return new ReferenceGroup(entries, slot => index.VisibleKeys(0, slot));
    }

    internal override Func<int, int[]> VisibleKeysOf(PatternGroupReport group, int head)
    {
        PermutedBlockIndex index = group.PermutedBlockIndex ?? throw new InvalidOperationException($"{group}: no index copy (KeepIndices off)");
        return index.VisibleKeys(0, index.Heads.Span.IndexOf(head));
    }

    internal override GroupPlan CreateGroupPlan(GroupPlanContext context, int[] heads) => new GridGroupPlan(context, this, heads);

    /// <summary>For example <c>grid(256)</c>.</summary>
    public override string ToString() => $"{Name}({KeptBlocks})";
}

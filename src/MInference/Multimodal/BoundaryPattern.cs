using MInference.Prefill;
using MInference.Prefill.Groups;
using MInference.Sparse;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Multimodal;

/// <summary>How a boundary head splits its attention by modality (MMInference's head types).</summary>
public enum BoundaryKind
{
    /// <summary>Query rows of each modality follow their own pattern: a budget per query modality over all keys.</summary>
    Query = 0,

    /// <summary>The keys of each modality get their own budget, whatever the query.</summary>
    Key = 1,

    /// <summary>Every (query modality, key modality) sub-block gets its own budget.</summary>
    TwoD = 2,
}

/// <summary>
/// A boundary head (<c>"q_boundary"</c>, <c>"k_boundary"</c>, <c>"2d_boundary"</c> in a pattern file,
/// extensions MInference's loader does not read). Tokens are grouped by modality
/// (<see cref="ModalityOrder"/>), and each 64-slot query block keeps, within the budgets its kind
/// defines, its diagonal block, the modality groups' first blocks and the best blocks by pooled score:
/// <list type="bullet">
/// <item><see cref="BoundaryKind.Query"/>: <see cref="FirstBlocks"/> over all keys for text query
/// blocks, <see cref="SecondBlocks"/> for video query blocks;</item>
/// <item><see cref="BoundaryKind.Key"/>: <see cref="FirstBlocks"/> within the text keys and
/// <see cref="SecondBlocks"/> within the video keys, for every query block;</item>
/// <item><see cref="BoundaryKind.TwoD"/>: <see cref="FirstBlocks"/> within the keys of the query
/// block's own modality, <see cref="SecondBlocks"/> within the other modality's keys.</item>
/// </list>
/// The prefill plan and the CPU backend run the rules the device applies
/// (<see cref="BoundaryBlockSelection.SelectInModalityOrder"/>, which counts the forced blocks
/// within the budgets); <see cref="BoundaryBlockSelection.Estimate"/> is the richer CPU form (the
/// video group in grid order when the head shows a grid, forced blocks beyond the budgets). Both
/// need the prompt's modality map.
/// </summary>
/// <param name="Boundary">Which budgets apply.</param>
/// <param name="FirstBlocks">First budget, ≥ 1 (it covers a row's own block).</param>
/// <param name="SecondBlocks">Second budget: ≥ 1 for Query and Key (it covers video rows' own blocks), ≥ 0 for TwoD.</param>
public sealed record BoundaryPattern(BoundaryKind Boundary, int FirstBlocks, int SecondBlocks) : HeadPattern
{
    /// <summary>The JSON name of a Q-boundary head.</summary>
    public const string QueryName = "q_boundary";

    /// <summary>The JSON name of a K-boundary head.</summary>
    public const string KeyName = "k_boundary";

    /// <summary>The JSON name of a 2D-boundary head.</summary>
    public const string TwoDName = "2d_boundary";

    /// <summary>Which budgets apply; a defined <see cref="BoundaryKind"/>.</summary>
    public BoundaryKind Boundary { get; } = Enum.IsDefined(Boundary)
        ? Boundary
        : throw new ArgumentOutOfRangeException(nameof(Boundary), Boundary, "expected a boundary kind: Query, Key or TwoD");

    /// <summary>First budget, in [1, <see cref="HeadPattern.MaxSize"/>].</summary>
    public int FirstBlocks { get; } = RequireSize(FirstBlocks, 1, nameof(FirstBlocks));

    /// <summary>Second budget, in [1, <see cref="HeadPattern.MaxSize"/>] ([0, …] for TwoD).</summary>
    public int SecondBlocks { get; } = RequireSize(SecondBlocks, Boundary == BoundaryKind.TwoD ? 0 : 1, nameof(SecondBlocks));

    /// <inheritdoc/>
    public override string JsonName => NameOf(Boundary);

    internal override (int First, int Second) JsonSizes => (FirstBlocks, SecondBlocks);

    internal override Sparse.Patterns.Kinds.PatternKind Kind => BoundaryPatternKind.For(Boundary);

    internal override bool IsEstimated => true;

    /// <summary>The JSON name of a kind.</summary>
    public static string NameOf(BoundaryKind boundary) => boundary switch
    {
        BoundaryKind.Query => QueryName,
        BoundaryKind.Key => KeyName,
        _ => TwoDName,
    };

    internal override ReferenceGroup RunReference(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, int[] heads, HostTensor output, Memory<float> logSumExp, SparseReferenceOptions options)
    {
        SparseReferenceRun run = SparseReferenceRun.Create(q, k, v, output, logSumExp, options, heads, nameof(heads));
        PermutedBlockIndex index = BoundaryBlockSelection.SelectInModalityOrder(q, k, heads, RequireModalities(options.Modalities), this);
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

    internal override GroupPlan CreateGroupPlan(GroupPlanContext context, int[] heads) => new BoundaryGroupPlan(context, this, heads);

    /// <summary>The map a boundary head needs.</summary>
    /// <exception cref="ArgumentException">There is none.</exception>
    internal ModalityMap RequireModalities(ModalityMap? modalities) =>
        modalities ?? throw new ArgumentException($"{this} needs the prompt's modality map (the Modalities option; --modalities on the command line)");

    /// <summary>For example <c>2d_boundary(4, 2)</c>.</summary>
    public override string ToString() => $"{JsonName}({FirstBlocks}, {SecondBlocks})";
}

using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.Patterns.Kinds;

namespace MInference.Multimodal;

/// <summary>
/// The three <see cref="BoundaryPattern"/> kinds: search candidates with both budgets 1/32 to 1/4 of
/// the blocks (at least 2; the forced blocks count within them), on prompts that hold both text and video.
/// </summary>
internal sealed class BoundaryPatternKind : PatternKind
{
    private readonly BoundaryKind _boundary;

    private BoundaryPatternKind(BoundaryKind boundary)
    {
        _boundary = boundary;
        Sizes = [new("first_blocks", 1), new("second_blocks", boundary == BoundaryKind.TwoD ? 0 : 1)];
    }

    /// <summary>The Q-boundary kind, registered in <see cref="PatternKinds.All"/>.</summary>
    public static BoundaryPatternKind Query { get; } = new(BoundaryKind.Query);

    /// <summary>The K-boundary kind.</summary>
    public static BoundaryPatternKind Key { get; } = new(BoundaryKind.Key);

    /// <summary>The 2D-boundary kind.</summary>
    public static BoundaryPatternKind TwoD { get; } = new(BoundaryKind.TwoD);

    public override string JsonName => BoundaryPattern.NameOf(_boundary);

    public override IReadOnlyList<PatternSize> Sizes { get; }

    public override int SearchRank => 3;

    public static BoundaryPatternKind For(BoundaryKind boundary) => boundary switch
    {
        BoundaryKind.Query => Query,
        BoundaryKind.Key => Key,
        _ => TwoD,
    };

    /// <summary>Only prompts with both modalities: a boundary needs two sides.</summary>
    public override bool AppliesTo(ModalityMap? modalities) =>
        modalities is not null && modalities.Segments.Any(segment => segment.Video is not null) && modalities.Segments.Any(segment => segment.Video is null);

    public override HeadPattern Create(ReadOnlySpan<int> sizes) => new BoundaryPattern(_boundary, sizes[0], sizes[1]);

    public override IEnumerable<HeadPattern> SearchCandidates(int sequenceLength)
    {
        int blocks = SparseBlocks.Count(sequenceLength);
        foreach (int divisor in (int[])[32, 16, 8, 4])
        {
            int budget = Math.Max(2, blocks / divisor);
            yield return new BoundaryPattern(_boundary, budget, budget);
        }
    }
}

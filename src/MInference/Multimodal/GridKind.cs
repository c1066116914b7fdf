using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.Patterns.Kinds;

namespace MInference.Multimodal;

/// <summary>
/// <see cref="GridPattern"/>: search candidates keeping 1/64 to 1/8 of the query blocks' key blocks
/// (a grid head's lines and diagonals are a small share of the causal square once permuted).
/// </summary>
internal sealed class GridKind : PatternKind
{
    /// <summary>The one instance, registered in <see cref="PatternKinds.All"/>.</summary>
    public static GridKind Instance { get; } = new();

    private GridKind()
    {
    }

    public override string JsonName => GridPattern.Name;

    public override IReadOnlyList<PatternSize> Sizes { get; } = [new("kept_blocks", 1)];

    public override int SearchRank => 3;

    /// <summary>Only prompts with video: a text head has no grid to find.</summary>
    public override bool AppliesTo(ModalityMap? modalities) => modalities?.Segments.Any(segment => segment.Video is not null) == true;

    public override HeadPattern Create(ReadOnlySpan<int> sizes) => new GridPattern(sizes[0]);

    public override IEnumerable<HeadPattern> SearchCandidates(int sequenceLength)
    {
        int blocks = SparseBlocks.Count(sequenceLength);
        foreach (int divisor in (int[])[64, 32, 16, 8])
        {
            yield return new GridPattern(Math.Max(2, blocks / divisor));
        }
    }
}

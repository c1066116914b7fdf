using MInference.Sparse.Indexes;

namespace MInference.Sparse.Patterns.Kinds;

/// <summary><see cref="BlockSparsePattern"/>: search candidates keeping 1/16 to 1/4 of the query blocks' key blocks.</summary>
internal sealed class BlockSparseKind : PatternKind
{
    /// <summary>The one instance, registered in <see cref="PatternKinds.All"/>.</summary>
    public static BlockSparseKind Instance { get; } = new();

    private BlockSparseKind()
    {
    }

    public override string JsonName => BlockSparsePattern.Name;

    public override IReadOnlyList<PatternSize> Sizes { get; } = [new("top_k", 1)];

    public override int SearchRank => 1;

    public override HeadPattern Create(ReadOnlySpan<int> sizes) => new BlockSparsePattern(sizes[0]);

    public override IEnumerable<HeadPattern> SearchCandidates(int sequenceLength)
    {
        int blocks = SparseBlocks.Count(sequenceLength);
        foreach (int divisor in (int[])[16, 8, 4])
        {
            yield return new BlockSparsePattern(Math.Max(2, blocks / divisor));
        }
    }
}

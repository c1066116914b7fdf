namespace MInference.Sparse.Patterns.Kinds;

/// <summary><see cref="DensePattern"/>: no sizes, no candidates (the search falls back to it), ranked last.</summary>
internal sealed class DenseKind : PatternKind
{
    /// <summary>The one instance, registered in <see cref="PatternKinds.All"/>.</summary>
    public static DenseKind Instance { get; } = new();

    private DenseKind()
    {
    }

    public override string JsonName => DensePattern.Name;

    public override IReadOnlyList<PatternSize> Sizes { get; } = [];

    public override int SearchRank => 3;

    public override HeadPattern Create(ReadOnlySpan<int> sizes) => new DensePattern();

    public override IEnumerable<HeadPattern> SearchCandidates(int sequenceLength) => [];
}

namespace MInference.Sparse.Patterns.Kinds;

/// <summary><see cref="AShapePattern"/>: search candidates with 64 sinks and a local window of N/32 to N/4.</summary>
internal sealed class AShapeKind : PatternKind
{
    /// <summary>The one instance, registered in <see cref="PatternKinds.All"/>.</summary>
    public static AShapeKind Instance { get; } = new();

    private AShapeKind()
    {
    }

    public override string JsonName => AShapePattern.Name;

    public override IReadOnlyList<PatternSize> Sizes { get; } = [new("n_init", 0), new("n_local", 1)];

    public override int SearchRank => 0;

    public override HeadPattern Create(ReadOnlySpan<int> sizes) => new AShapePattern(sizes[0], sizes[1]);

    public override IEnumerable<HeadPattern> SearchCandidates(int sequenceLength)
    {
        foreach (int divisor in (int[])[32, 16, 8, 4])
        {
            yield return new AShapePattern(Math.Min(64, sequenceLength), RoundUp64(sequenceLength / divisor));
        }
    }
}

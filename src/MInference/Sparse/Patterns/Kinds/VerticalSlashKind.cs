namespace MInference.Sparse.Patterns.Kinds;

/// <summary>
/// <see cref="VerticalSlashPattern"/>: search candidates with N/64 to N/8 slashes and as many
/// verticals, or 100 (the first 30 key columns are always kept, so fewer would leave no room for
/// the head's own verticals).
/// </summary>
internal sealed class VerticalSlashKind : PatternKind
{
    /// <summary>The one instance, registered in <see cref="PatternKinds.All"/>.</summary>
    public static VerticalSlashKind Instance { get; } = new();

    private VerticalSlashKind()
    {
    }

    public override string JsonName => VerticalSlashPattern.Name;

    public override IReadOnlyList<PatternSize> Sizes { get; } = [new("vertical_size", 1), new("slash_size", 1)];

    public override int SearchRank => 2;

    public override HeadPattern Create(ReadOnlySpan<int> sizes) => new VerticalSlashPattern(sizes[0], sizes[1]);

    public override IEnumerable<HeadPattern> SearchCandidates(int sequenceLength)
    {
        foreach (int divisor in (int[])[64, 32, 16, 8])
        {
            int slashes = RoundUp64(sequenceLength / divisor);
            yield return new VerticalSlashPattern(100, slashes);
            yield return new VerticalSlashPattern(Math.Max(100, slashes), slashes);
        }
    }
}

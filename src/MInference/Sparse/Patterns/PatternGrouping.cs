namespace MInference.Sparse.Patterns;

/// <summary>Groups heads by distinct pattern, ordered by first head (shared by the configuration and the layer reference).</summary>
internal static class PatternGrouping
{
    public static PatternHeadGroup[] Group(IReadOnlyList<HeadPattern> patterns)
    {
        var groups = new List<(HeadPattern Pattern, List<int> Heads)>();
        var groupOf = new Dictionary<HeadPattern, int>();
        for (int head = 0; head < patterns.Count; head++)
        {
            HeadPattern pattern = patterns[head];
            if (!groupOf.TryGetValue(pattern, out int group))
            {
                group = groups.Count;
                groupOf.Add(pattern, group);
                groups.Add((pattern, []));
            }

            groups[group].Heads.Add(head);
        }

        return groups.Select(g => new PatternHeadGroup(g.Pattern, g.Heads.ToArray())).ToArray();
    }
}

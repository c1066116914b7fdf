using MInference.Sparse.Config;

namespace MInference.Sparse.Patterns;

/// <summary>
/// The query heads of one layer that share a pattern: the GPU runs one kernel launch per group, over
/// its head list. See <see cref="HeadPatternConfig.GroupHeadsByPattern"/>.
/// </summary>
public sealed class PatternHeadGroup
{
    private readonly int[] _heads;

    internal PatternHeadGroup(HeadPattern pattern, int[] heads)
    {
        Pattern = pattern;
        _heads = heads;
    }

    /// <summary>The pattern every head of the group uses.</summary>
    public HeadPattern Pattern { get; }

    /// <summary>The query-head indices, ascending.</summary>
    public ReadOnlyMemory<int> Heads => _heads;

    /// <summary>For example <c>vertical_and_slash(1000, 6096): heads 0, 2, 5</c>.</summary>
    public override string ToString() => $"{Pattern}: heads {string.Join(", ", _heads)}";
}

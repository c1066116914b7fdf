using MInference.Prefill;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Sparse.Patterns;

/// <summary>
/// The sparse attention pattern one query head uses during prefill, as MInference's "best pattern"
/// files name it: <see cref="VerticalSlashPattern"/> (<c>"vertical_and_slash"</c>),
/// <see cref="AShapePattern"/> (<c>"stream_llm"</c>), <see cref="BlockSparsePattern"/>
/// (<c>"block_sparse"</c>), <see cref="Multimodal.GridPattern"/> (<c>"grid"</c>, MMInference's grid
/// heads: an extension) or <see cref="DensePattern"/> (<c>"dense"</c>). Patterns are immutable
/// values: two heads with equal patterns run in the same kernel launch.
/// </summary>
public abstract record HeadPattern
{
    /// <summary>The largest size a pattern accepts (2^30): far beyond any context length, small enough for int arithmetic.</summary>
    public const int MaxSize = 1 << 30;

    private protected HeadPattern()
    {
    }

    /// <summary>The JSON names of the patterns, in the order error messages list them.</summary>
    public static IReadOnlyList<string> JsonNames { get; } = [.. Kinds.PatternKinds.All.Select(kind => kind.JsonName)];

    /// <summary>The pattern's name in a pattern file, e.g. <c>"vertical_and_slash"</c>.</summary>
    public abstract string JsonName { get; }

    /// <summary>The two integers a pattern file stores after the name (0 where the pattern has no use for one).</summary>
    internal abstract (int First, int Second) JsonSizes { get; }

    /// <summary>The kind of this pattern: file name and sizes, search rank and candidates.</summary>
    internal abstract Kinds.PatternKind Kind { get; }

    /// <summary>Whether the pattern needs an estimate of each head's index before it runs.</summary>
    internal abstract bool IsEstimated { get; }

    /// <summary>
    /// Computes the listed heads with this pattern on the CPU (estimating their index first where the
    /// pattern needs one), writing their rows of <paramref name="output"/> and <paramref name="logSumExp"/>.
    /// </summary>
    internal abstract ReferenceGroup RunReference(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, int[] heads, HostTensor output, Memory<float> logSumExp, SparseReferenceOptions options);

    /// <summary>The visible keys of each row of the first sequence of a head that ran this pattern in <paramref name="group"/> (whose index copies it reads).</summary>
    internal abstract Func<int, int[]> VisibleKeysOf(PatternGroupReport group, int head);

    /// <summary>The part of a <see cref="SparsePrefillPlan"/> that runs this pattern's heads of a layer on the GPU.</summary>
    internal abstract GroupPlan CreateGroupPlan(GroupPlanContext context, int[] heads);

    /// <summary>Checks a size that must lie in [<paramref name="minimum"/>, <see cref="MaxSize"/>].</summary>
    /// <exception cref="ArgumentOutOfRangeException">It does not.</exception>
    private protected static int RequireSize(int value, int minimum, string name)
    {
        if (value < minimum || value > MaxSize)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} = {value}; expected an integer in [{minimum}, {MaxSize}]");
        }

        return value;
    }
}

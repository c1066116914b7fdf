using MInference.Sparse.Indexes;

namespace MInference.Sparse.Patterns.Kinds;

/// <summary>
/// One kind of head pattern, as the rest of the library meets it: its name in MInference's pattern
/// files and the sizes an entry holds, how a pattern is made from those sizes, where it ranks when
/// the search breaks ties, and the candidates the search tries. Everything else a pattern does
/// (estimation, GPU launches, CPU reference, visible keys) is on its <see cref="HeadPattern"/>
/// record. A new pattern is its record, its group plan and one of these, registered in
/// <see cref="PatternKinds.All"/>.
/// </summary>
internal abstract class PatternKind
{
    /// <summary>The name in a pattern file, e.g. <c>"vertical_and_slash"</c>.</summary>
    public abstract string JsonName { get; }

    /// <summary>The sizes an entry stores after the name, in order (at most two), with the least value each accepts.</summary>
    public abstract IReadOnlyList<PatternSize> Sizes { get; }

    /// <summary>Ties of the search go to the lower rank: patterns without estimation first.</summary>
    public abstract int SearchRank { get; }

    /// <summary>Makes a pattern from sizes already checked against <see cref="Sizes"/>.</summary>
    public abstract HeadPattern Create(ReadOnlySpan<int> sizes);

    /// <summary>The candidates the search tries on a sample of <paramref name="sequenceLength"/> tokens (none for dense).</summary>
    public abstract IEnumerable<HeadPattern> SearchCandidates(int sequenceLength);

    /// <summary>Whether the search tries this kind on a prompt with these modalities (null: all text); every kind but grid applies to any prompt.</summary>
    public virtual bool AppliesTo(Multimodal.ModalityMap? modalities) => true;

    /// <summary>A multiple of 64 at least 64: the sizes of the search grid.</summary>
    protected static int RoundUp64(int value) => Math.Max(SparseBlocks.Size, (value + SparseBlocks.Size - 1) / SparseBlocks.Size * SparseBlocks.Size);
}

/// <summary>A size a pattern file stores for a pattern, e.g. <c>("vertical_size", 1)</c>.</summary>
/// <param name="Name">Its name in error messages.</param>
/// <param name="Minimum">The least value it accepts.</param>
internal readonly record struct PatternSize(string Name, int Minimum);

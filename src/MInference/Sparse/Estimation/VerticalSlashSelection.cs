namespace MInference.Sparse.Estimation;

/// <summary>
/// The key columns ("verticals") and diagonal offsets ("slashes") chosen for each (batch, head) of a
/// head list: the input of <see cref="VerticalSlashIndexBuilder"/>, with MInference's shapes
/// [batch, heads, NNZ_V] and [batch, heads, NNZ_S]. Every list of verticals ascends strictly within
/// [0, N); every list of slash offsets descends strictly within [0, N) and ends with offset 0 (the
/// main diagonal, which keeps every query's own key visible).
/// </summary>
public sealed class VerticalSlashSelection
{
    private readonly int[] _heads;
    private readonly int[] _verticals;
    private readonly int[] _slashOffsets;

    /// <summary>Creates a selection from flattened lists, checking every rule of the class summary.</summary>
    /// <param name="sequenceLength">N, the number of queries and keys, &gt;= 1.</param>
    /// <param name="batchSize">Batch elements, &gt;= 1.</param>
    /// <param name="heads">The query heads covered, distinct and &gt;= 0, in the order the lists use.</param>
    /// <param name="verticalCount">Verticals per (batch, head), &gt;= 0.</param>
    /// <param name="verticals">[batch, heads, verticalCount] key columns.</param>
    /// <param name="slashCount">Slash offsets per (batch, head), &gt;= 1.</param>
    /// <param name="slashOffsets">[batch, heads, slashCount] diagonal offsets i − j.</param>
    /// <exception cref="ArgumentException">A length does not match, or a list breaks a rule (the message names the batch and head).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public VerticalSlashSelection(
        int sequenceLength, int batchSize, ReadOnlySpan<int> heads, int verticalCount, ReadOnlySpan<int> verticals, int slashCount, ReadOnlySpan<int> slashOffsets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(verticalCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(slashCount, 1);
        _heads = HeadLists.Validate(heads, int.MaxValue, nameof(heads));
        long lists = (long)batchSize * heads.Length;
        RequireLength(verticals.Length, lists * verticalCount, nameof(verticals), "verticalCount");
        RequireLength(slashOffsets.Length, lists * slashCount, nameof(slashOffsets), "slashCount");

        SequenceLength = sequenceLength;
        BatchSize = batchSize;
        VerticalCount = verticalCount;
        SlashCount = slashCount;
        _verticals = verticals.ToArray();
        _slashOffsets = slashOffsets.ToArray();
        for (int batch = 0; batch < batchSize; batch++)
        {
            for (int slot = 0; slot < heads.Length; slot++)
            {
                CheckVerticals(batch, slot, nameof(verticals));
                CheckSlashOffsets(batch, slot, nameof(slashOffsets));
            }
        }
    }

    /// <summary>N, the number of queries and keys.</summary>
    public int SequenceLength { get; }

    /// <summary>Batch elements.</summary>
    public int BatchSize { get; }

    /// <summary>The query heads covered; a head's position in this list is its "head slot".</summary>
    public ReadOnlyMemory<int> Heads => _heads;

    /// <summary>Verticals per (batch, head).</summary>
    public int VerticalCount { get; }

    /// <summary>Slash offsets per (batch, head).</summary>
    public int SlashCount { get; }

    /// <summary>All verticals, [batch, heads, <see cref="VerticalCount"/>], each list ascending.</summary>
    public ReadOnlyMemory<int> Verticals => _verticals;

    /// <summary>All slash offsets, [batch, heads, <see cref="SlashCount"/>], each list descending and ending with 0.</summary>
    public ReadOnlyMemory<int> SlashOffsets => _slashOffsets;

    /// <summary>The verticals of one (batch, head slot), ascending.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public ReadOnlySpan<int> GetVerticals(int batch, int headSlot) =>
        _verticals.AsSpan(ListIndex(batch, headSlot) * VerticalCount, VerticalCount);

    /// <summary>The slash offsets of one (batch, head slot), descending, ending with 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public ReadOnlySpan<int> GetSlashOffsets(int batch, int headSlot) =>
        _slashOffsets.AsSpan(ListIndex(batch, headSlot) * SlashCount, SlashCount);

    private int ListIndex(int batch, int headSlot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batch, BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(headSlot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(headSlot, _heads.Length);
        return (batch * _heads.Length) + headSlot;
    }

    private void CheckVerticals(int batch, int slot, string parameterName)
    {
        ReadOnlySpan<int> verticals = GetVerticals(batch, slot);
        for (int i = 0; i < verticals.Length; i++)
        {
            if (verticals[i] < 0 || verticals[i] >= SequenceLength || (i > 0 && verticals[i] <= verticals[i - 1]))
            {
                throw new ArgumentException(
                    $"verticals of batch {batch}, head {_heads[slot]} (slot {slot}): item {i} = {verticals[i]}" +
                    $"{(i > 0 ? $" after {verticals[i - 1]}" : "")}; expected key columns in [0, {SequenceLength}), strictly ascending",
                    parameterName);
            }
        }
    }

    private void CheckSlashOffsets(int batch, int slot, string parameterName)
    {
        ReadOnlySpan<int> offsets = GetSlashOffsets(batch, slot);
        for (int i = 0; i < offsets.Length; i++)
        {
            if (offsets[i] < 0 || offsets[i] >= SequenceLength || (i > 0 && offsets[i] >= offsets[i - 1]))
            {
                throw new ArgumentException(
                    $"slashOffsets of batch {batch}, head {_heads[slot]} (slot {slot}): item {i} = {offsets[i]}" +
                    $"{(i > 0 ? $" after {offsets[i - 1]}" : "")}; expected diagonal offsets in [0, {SequenceLength}), strictly descending",
                    parameterName);
            }
        }

        if (offsets[^1] != 0)
        {
            throw new ArgumentException(
                $"slashOffsets of batch {batch}, head {_heads[slot]} (slot {slot}) end with {offsets[^1]}, so offset 0 is missing; " +
                "expected the main diagonal (offset 0) in every list, as the estimation always keeps it",
                parameterName);
        }
    }

    private static void RequireLength(int actual, long expected, string name, string countName)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} holds {actual} values; expected batchSize * heads * {countName} = {expected}", name);
        }
    }
}

namespace MInference.Multimodal;

/// <summary>
/// A reordering of a prompt's N tokens: slot s holds original position OriginalOrder[s]. The
/// MMInference heads run in such an order — grid heads group tokens by phase class
/// (<see cref="GridPermutation"/>), boundary heads by modality (<see cref="ModalityOrder"/>) —
/// applied alike to query rows and key columns, with causality kept on original positions.
/// </summary>
public sealed class TokenOrder
{
    private readonly int[] _originalOf;
    private readonly int[] _slotOf;

    /// <summary>Takes a permutation of 0 … N − 1 (copied).</summary>
    /// <param name="originalOrder">The original position of each slot: every position exactly once.</param>
    /// <exception cref="ArgumentException">It is empty or not a permutation; the message names the first offending slot.</exception>
    public TokenOrder(ReadOnlySpan<int> originalOrder)
    {
        if (originalOrder.IsEmpty)
        {
            throw new ArgumentException("an order of no tokens; expected N >= 1", nameof(originalOrder));
        }

        _originalOf = originalOrder.ToArray();
        _slotOf = new int[_originalOf.Length];
        Array.Fill(_slotOf, -1);
        for (int slot = 0; slot < _originalOf.Length; slot++)
        {
            int position = _originalOf[slot];
            if (position < 0 || position >= _originalOf.Length || _slotOf[position] >= 0)
            {
                throw new ArgumentException(
                    $"slot {slot} holds position {position}; expected each of 0 … {_originalOf.Length - 1} exactly once", nameof(originalOrder));
            }

            _slotOf[position] = slot;
        }
    }

    /// <summary>N.</summary>
    public int SequenceLength => _originalOf.Length;

    /// <summary>Original position of each slot (slot → position).</summary>
    public ReadOnlySpan<int> OriginalOrder => _originalOf;

    /// <summary>Slot of each original position (position → slot), the inverse of <see cref="OriginalOrder"/>.</summary>
    public ReadOnlySpan<int> PermutedSlots => _slotOf;

    /// <summary>Original order: slot s holds position s.</summary>
    /// <exception cref="ArgumentOutOfRangeException">N is under 1.</exception>
    public static TokenOrder Identity(int sequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        return new TokenOrder([.. Enumerable.Range(0, sequenceLength)]);
    }

    /// <summary>Copies the rows of a [N, width] span into slot order: destination row s = source row OriginalOrder[s].</summary>
    /// <exception cref="ArgumentException">A span is not N whole rows of <paramref name="width"/>.</exception>
    public void Permute<T>(ReadOnlySpan<T> source, Span<T> destination, int width) => Gather(source, destination, width, _originalOf);

    /// <summary>The inverse of <see cref="Permute"/>: destination row p = source row PermutedSlots[p].</summary>
    /// <exception cref="ArgumentException">A span is not N whole rows of <paramref name="width"/>.</exception>
    public void Unpermute<T>(ReadOnlySpan<T> source, Span<T> destination, int width) => Gather(source, destination, width, _slotOf);

    private void Gather<T>(ReadOnlySpan<T> source, Span<T> destination, int width, int[] rowOf)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        long expected = (long)SequenceLength * width;
        if (source.Length != expected || destination.Length != expected)
        {
            throw new ArgumentException(
                $"source holds {source.Length} and destination {destination.Length} elements; expected {SequenceLength} rows of {width} each", nameof(destination));
        }

        for (int row = 0; row < SequenceLength; row++)
        {
            source.Slice(rowOf[row] * width, width).CopyTo(destination.Slice(row * width, width));
        }
    }
}

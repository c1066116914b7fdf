namespace MInference.Multimodal;

/// <summary>
/// The reordering that makes a grid head's lines contiguous: tokens grouped by their phase class
/// c = (position − phase) mod stride, classes in order c = 0, 1, …, stride − 1, positions ascending
/// within a class. The same map applies to query rows and key columns, so
/// <list type="bullet">
/// <item>keys on vertical lines (position ≡ phase mod stride) form the first class: a band of
/// columns at the left edge;</item>
/// <item>queries on horizontal lines likewise form the top rows;</item>
/// <item>the diagonals i − j = k · stride keep i and j in one class at neighbouring slots (k slots
/// apart): a band along the diagonal.</item>
/// </list>
/// Block-sparse tiles cover those bands. Causality stays defined on original positions.
/// </summary>
public sealed class GridPermutation
{
    private readonly int[] _originalOf;
    private readonly int[] _permutedOf;

    /// <summary>Builds the map for N tokens.</summary>
    /// <param name="sequenceLength">N, ≥ 1.</param>
    /// <param name="stride">Grid stride, in [1, N] (1 is the identity).</param>
    /// <param name="phase">Position of the first vertical line, in [0, stride).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public GridPermutation(int sequenceLength, int stride, int phase)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stride, sequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegative(phase);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(phase, stride);
        SequenceLength = sequenceLength;
        Stride = stride;
        Phase = phase;
        _originalOf = new int[sequenceLength];
        _permutedOf = new int[sequenceLength];
        int slot = 0;
        for (int phaseClass = 0; phaseClass < stride; phaseClass++)
        {
            // The class's first position is phase + c reduced mod stride; its members follow by stride.
            for (long position = (phase + phaseClass) % stride; position < sequenceLength; position += stride)
            {
                _originalOf[slot] = (int)position;
                _permutedOf[position] = slot;
                slot++;
            }
        }
    }

    /// <summary>N.</summary>
    public int SequenceLength { get; }

    /// <summary>The grid stride.</summary>
    public int Stride { get; }

    /// <summary>The phase of the first class.</summary>
    public int Phase { get; }

    /// <summary>Original position of each permuted slot (slot → position).</summary>
    public ReadOnlySpan<int> OriginalOrder => _originalOf;

    /// <summary>Permuted slot of each original position (position → slot), the inverse of <see cref="OriginalOrder"/>.</summary>
    public ReadOnlySpan<int> PermutedSlots => _permutedOf;

    /// <summary>Tokens of phase class <paramref name="phaseClass"/> (the class of positions ≡ phase + c mod stride).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The class is outside [0, stride).</exception>
    public int ClassSize(int phaseClass)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(phaseClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(phaseClass, Stride);
        int first = (Phase + phaseClass) % Stride;
        return first < SequenceLength ? ((SequenceLength - 1 - first) / Stride) + 1 : 0;
    }

    /// <summary>Copies the rows of a [rows, width] span into permuted order: destination row s = source row OriginalOrder[s].</summary>
    /// <exception cref="ArgumentException">A span is not N whole rows of <paramref name="width"/>.</exception>
    public void Permute<T>(ReadOnlySpan<T> source, Span<T> destination, int width) => Gather(source, destination, width, _originalOf);

    /// <summary>The inverse of <see cref="Permute"/>: destination row p = source row PermutedSlots[p].</summary>
    /// <exception cref="ArgumentException">A span is not N whole rows of <paramref name="width"/>.</exception>
    public void Unpermute<T>(ReadOnlySpan<T> source, Span<T> destination, int width) => Gather(source, destination, width, _permutedOf);

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

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
    /// <summary>Builds the order for N tokens.</summary>
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
        Stride = stride;
        Phase = phase;
        Order = new TokenOrder(PhaseMajor(sequenceLength, stride, phase));
    }

    /// <summary>N.</summary>
    public int SequenceLength => Order.SequenceLength;

    /// <summary>The grid stride.</summary>
    public int Stride { get; }

    /// <summary>The phase of the first class.</summary>
    public int Phase { get; }

    /// <summary>The reordering itself.</summary>
    public TokenOrder Order { get; }

    /// <summary>Original position of each permuted slot (slot → position).</summary>
    public ReadOnlySpan<int> OriginalOrder => Order.OriginalOrder;

    /// <summary>Permuted slot of each original position (position → slot).</summary>
    public ReadOnlySpan<int> PermutedSlots => Order.PermutedSlots;

    /// <summary>Tokens of phase class <paramref name="phaseClass"/> (the class of positions ≡ phase + c mod stride).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The class is outside [0, stride).</exception>
    public int ClassSize(int phaseClass)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(phaseClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(phaseClass, Stride);
        int first = (Phase + phaseClass) % Stride;
        return first < SequenceLength ? ((SequenceLength - 1 - first) / Stride) + 1 : 0;
    }

    /// <summary>Positions 0 … N − 1 by class c = 0 … stride − 1 (first member (phase + c) mod stride), ascending within a class.</summary>
    internal static int[] PhaseMajor(int sequenceLength, int stride, int phase)
    {
        var order = new int[sequenceLength];
        int slot = 0;
        for (int phaseClass = 0; phaseClass < stride; phaseClass++)
        {
            for (long position = (phase + phaseClass) % stride; position < sequenceLength; position += stride)
            {
                order[slot++] = (int)position;
            }
        }

        return order;
    }
}

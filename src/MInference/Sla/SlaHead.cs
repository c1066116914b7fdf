namespace MInference.Sla;

/// <summary>
/// One (batch, head) of a sparse-linear attention problem for the CPU reference: Q, K and V as
/// row-major [N, D] doubles (self-attention: one length for all three).
/// </summary>
public sealed class SlaHead
{
    /// <summary>Wraps the three matrices (not copied).</summary>
    /// <exception cref="ArgumentOutOfRangeException">N or D is not positive.</exception>
    /// <exception cref="ArgumentException">A matrix does not hold exactly N · D values.</exception>
    public SlaHead(ReadOnlyMemory<double> q, ReadOnlyMemory<double> k, ReadOnlyMemory<double> v, int sequenceLength, int headDim)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        long count = (long)sequenceLength * headDim;
        RequireLength(q, count, nameof(q));
        RequireLength(k, count, nameof(k));
        RequireLength(v, count, nameof(v));
        Q = q;
        K = k;
        V = v;
        SequenceLength = sequenceLength;
        HeadDim = headDim;
    }

    /// <summary>Queries, [N, D].</summary>
    public ReadOnlyMemory<double> Q { get; }

    /// <summary>Keys, [N, D].</summary>
    public ReadOnlyMemory<double> K { get; }

    /// <summary>Values, [N, D].</summary>
    public ReadOnlyMemory<double> V { get; }

    /// <summary>N.</summary>
    public int SequenceLength { get; }

    /// <summary>D.</summary>
    public int HeadDim { get; }

    /// <summary>Blocks of <see cref="SlaOptions.BlockSize"/> tokens (the last may be shorter).</summary>
    public int Blocks => (SequenceLength + SlaOptions.BlockSize - 1) / SlaOptions.BlockSize;

    private static void RequireLength(ReadOnlyMemory<double> matrix, long count, string name)
    {
        if (matrix.Length != count)
        {
            throw new ArgumentException($"{name} holds {matrix.Length} values; expected N * D = {count}", name);
        }
    }
}

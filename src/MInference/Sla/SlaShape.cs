namespace MInference.Sla;

/// <summary>The sizes of one GPU sparse-linear attention call: q, k, v and the output all [B, H, N, D].</summary>
/// <param name="Batch">B.</param>
/// <param name="Heads">H.</param>
/// <param name="SequenceLength">N.</param>
/// <param name="HeadDim">D.</param>
internal readonly record struct SlaShape(int Batch, int Heads, int SequenceLength, int HeadDim)
{
    /// <summary>64-token blocks per head (the last may be shorter).</summary>
    public int Blocks => (SequenceLength + SlaOptions.BlockSize - 1) / SlaOptions.BlockSize;

    /// <summary>Rows of a mask's indices: one per (batch, head, query block).</summary>
    public long Rows => (long)Batch * Heads * Blocks;

    /// <summary>Values of one log-sum-exp per (batch, head, token).</summary>
    public long Tokens => (long)Batch * Heads * SequenceLength;

    /// <summary>The contiguous [B, H, N, D] layout of the branch outputs a forward saves.</summary>
    public TensorLayout ContiguousLayout => TensorLayout.Bhsd(Batch, Heads, SequenceLength, HeadDim);
}

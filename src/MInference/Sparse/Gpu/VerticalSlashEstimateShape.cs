namespace MInference.Sparse.Gpu;

/// <summary>A vertical-slash estimation that passed validation: q and k, the heads it covers and the resolved scale.</summary>
/// <param name="Operands">The validated q and k (q_len == kv_len == N), heads and scale.</param>
internal sealed record VerticalSlashEstimateShape(QueryKeyOperands Operands)
{
    /// <summary>The q/k problem.</summary>
    public AttentionShape Attention => Operands.Shape;

    /// <summary>The query heads estimated, in row order (all heads when the caller passed none).</summary>
    public int[] Heads => Operands.Heads;

    /// <summary>The scale passed to the library, never 0.</summary>
    public float SoftmaxScale => Operands.SoftmaxScale;

    /// <summary>N.</summary>
    public int SequenceLength => (int)Attention.QLen;

    /// <summary>Batch elements.</summary>
    public int BatchSize => (int)Attention.Batch;

    /// <summary>(batch, listed head) pairs: the rows of the score arrays.</summary>
    public long Rows => Attention.Batch * Heads.Length;

    /// <summary>Bytes of one fp32 score array, [batch, heads, N].</summary>
    public long ScoreBytes => Rows * SequenceLength * sizeof(float);
}

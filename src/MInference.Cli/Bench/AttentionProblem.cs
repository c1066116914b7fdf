namespace MInference.Cli.Bench;

/// <summary>One dense attention configuration the CLI runs: q, k, v and output all [batch, heads, seq, head_dim] contiguous.</summary>
internal sealed record AttentionProblem(int Batch, int Heads, int KvHeads, int SequenceLength, int HeadDim, DType DType, bool Causal)
{
    public TensorLayout QueryLayout => TensorLayout.Bhsd(Batch, Heads, SequenceLength, HeadDim);

    public TensorLayout KeyValueLayout => TensorLayout.Bhsd(Batch, KvHeads, SequenceLength, HeadDim);

    /// <summary>
    /// Floating-point operations of the two matrix products, 4·B·H·N_q·N_kv·D (2 per multiply-add,
    /// Q·Kᵀ and P·V), halved when causal as only the lower triangle is computed: for N_q = N_kv a
    /// causal problem counts 2·N²·D·H per batch element.
    /// </summary>
    public double Flops => 4.0 * Batch * Heads * SequenceLength * (double)SequenceLength * HeadDim / (Causal ? 2 : 1);

    public override string ToString() =>
        $"batch {Batch}, heads {Heads}/{KvHeads} (q/kv), seq {SequenceLength}, head_dim {HeadDim}, {DTypeNames.ToShortName(DType)}{(Causal ? ", causal" : string.Empty)}";
}

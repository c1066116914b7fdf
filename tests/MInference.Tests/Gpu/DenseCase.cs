namespace MInference.Tests.Gpu;

/// <summary>One GPU-versus-CPU comparison of dense attention.</summary>
public sealed record DenseCase(
    int Batch,
    int Heads,
    int KvHeads,
    int QLen,
    int KvLen,
    int HeadDim,
    DType DType,
    bool Causal,
    MemoryOrder Order = MemoryOrder.Bhsd,
    float? Scale = null,
    bool SampleRows = false,
    bool WithLogSumExp = true)
{
    public TensorLayout QueryLayout => Layout(Heads, QLen);

    public TensorLayout KeyValueLayout => Layout(KvHeads, KvLen);

    public DenseAttentionOptions Options => new() { Causal = Causal, SoftmaxScale = Scale };

    public override string ToString() =>
        $"B{Batch} H{Heads}/{KvHeads} q{QLen} kv{KvLen} D{HeadDim} {DType}{(Causal ? " causal" : string.Empty)}"
        + (Order == MemoryOrder.Bshd ? " BSHD" : string.Empty)
        + (Scale is { } scale ? $" scale {scale}" : string.Empty)
        + (SampleRows ? " sampled" : string.Empty)
        + (WithLogSumExp ? string.Empty : " no-lse");

    private TensorLayout Layout(int heads, int length) => Order == MemoryOrder.Bhsd
        ? TensorLayout.Bhsd(Batch, heads, length, HeadDim)
        : TensorLayout.Bshd(Batch, length, heads, HeadDim);
}

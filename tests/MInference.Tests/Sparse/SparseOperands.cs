using MInference.Tests.Support;

namespace MInference.Tests.Sparse;

/// <summary>Seeded N(0, 1) attention operands, contiguous [B, H, N, D], for the sparse tests.</summary>
internal sealed class SparseOperands
{
    public SparseOperands(int batch, int heads, int kvHeads, int length, int headDim, int seed)
    {
        Batch = batch;
        Heads = heads;
        KvHeads = kvHeads;
        Length = length;
        HeadDim = headDim;
        QValues = RandomValues.Normal(batch * heads * length * headDim, seed);
        KValues = RandomValues.Normal(batch * kvHeads * length * headDim, seed + 1);
        VValues = RandomValues.Normal(batch * kvHeads * length * headDim, seed + 2);
    }

    public int Batch { get; }

    public int Heads { get; }

    public int KvHeads { get; }

    public int Length { get; }

    public int HeadDim { get; }

    public float[] QValues { get; }

    public float[] KValues { get; }

    public float[] VValues { get; }

    public ReadOnlyHostTensor Q => new(QValues, TensorLayout.Bhsd(Batch, Heads, Length, HeadDim));

    public ReadOnlyHostTensor K => new(KValues, TensorLayout.Bhsd(Batch, KvHeads, Length, HeadDim));

    public ReadOnlyHostTensor V => new(VValues, TensorLayout.Bhsd(Batch, KvHeads, Length, HeadDim));

    public TensorLayout OutputLayout => TensorLayout.Bhsd(Batch, Heads, Length, HeadDim);

    public int OutputLength => Batch * Heads * Length * HeadDim;

    public int LogSumExpLength => Batch * Heads * Length;

    /// <summary>Dense causal attention by <see cref="CpuAttention.Dense"/>: (output, log-sum-exp).</summary>
    public (float[] Output, float[] LogSumExp) DenseCausal()
    {
        var output = new float[OutputLength];
        var logSumExp = new float[LogSumExpLength];
        CpuAttention.Dense(Q, K, V, new HostTensor(output, OutputLayout), new DenseAttentionOptions { Causal = true }, logSumExp);
        return (output, logSumExp);
    }

    /// <summary>Buffers filled with NaN, so tests see which elements a reference wrote.</summary>
    public (float[] Output, float[] LogSumExp) NaNBuffers() =>
        (Enumerable.Repeat(float.NaN, OutputLength).ToArray(), Enumerable.Repeat(float.NaN, LogSumExpLength).ToArray());
}

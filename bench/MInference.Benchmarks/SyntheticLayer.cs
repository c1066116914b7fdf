// The only file of the benchmarks that uses the synthetic-data generators (MInference.Synthetic).
using MInference.Synthetic;

namespace MInference.Benchmarks;

/// <summary>
/// One attention layer's host inputs as the kernels see them: structured long-context-like q, k, v
/// (sinks, a local band, two diagonals, a few vertical keys), rounded to bf16, contiguous [B, H, N, D].
/// </summary>
public sealed class SyntheticLayer
{
    private static readonly int[] s_verticalPositions = [100, 300, 700, 3000];

    private SyntheticLayer(int heads, int kvHeads, int sequenceLength, int headDim, ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v)
    {
        Heads = heads;
        KvHeads = kvHeads;
        SequenceLength = sequenceLength;
        HeadDim = headDim;
        (QBits, Q) = RoundToBFloat16(q);
        (KBits, K) = RoundToBFloat16(k);
        (VBits, V) = RoundToBFloat16(v);
    }

    /// <summary>Batch size: always 1.</summary>
    public const int Batch = 1;

    /// <summary>Query heads.</summary>
    public int Heads { get; }

    /// <summary>Key/value heads.</summary>
    public int KvHeads { get; }

    /// <summary>N (q_len == kv_len).</summary>
    public int SequenceLength { get; }

    /// <summary>D.</summary>
    public int HeadDim { get; }

    /// <summary>Queries, [1, H, N, D], bf16-rounded floats.</summary>
    public ReadOnlyHostTensor Q { get; }

    /// <summary>Keys, [1, Hkv, N, D], bf16-rounded floats.</summary>
    public ReadOnlyHostTensor K { get; }

    /// <summary>Values, [1, Hkv, N, D], bf16-rounded floats.</summary>
    public ReadOnlyHostTensor V { get; }

    /// <summary>The bf16 bits of <see cref="Q"/>, for upload.</summary>
    public ushort[] QBits { get; }

    /// <summary>The bf16 bits of <see cref="K"/>, for upload.</summary>
    public ushort[] KBits { get; }

    /// <summary>The bf16 bits of <see cref="V"/>, for upload.</summary>
    public ushort[] VBits { get; }

    /// <summary>Every query head, 0..H−1.</summary>
    public int[] AllHeads => [.. Enumerable.Range(0, Heads)];

    /// <summary>[1, H, N, D]: the layout of an output.</summary>
    public TensorLayout OutputLayout => TensorLayout.Bhsd(Batch, Heads, SequenceLength, HeadDim);

    /// <summary>Elements of an output.</summary>
    public int OutputLength => Batch * Heads * SequenceLength * HeadDim;

    /// <summary>Elements of a log-sum-exp, [1, H, N].</summary>
    public int LogSumExpLength => Batch * Heads * SequenceLength;

    /// <summary>Generates a layer (deterministic for a given seed).</summary>
    public static SyntheticLayer Create(int heads, int kvHeads, int sequenceLength, int headDim, int seed = 1)
    {
        var data = StructuredAttentionData.Generate(new StructuredAttentionOptions
        {
            SequenceLength = sequenceLength,
            Heads = heads,
            KvHeads = kvHeads,
            HeadDim = headDim,
            Seed = seed,
            DiagonalOffsets = [sequenceLength / 8, sequenceLength / 2],
            VerticalPositions = [.. s_verticalPositions.Where(position => position < sequenceLength)],
        });
        return new SyntheticLayer(heads, kvHeads, sequenceLength, headDim, data.Q, data.K, data.V);
    }

    private static (ushort[] Bits, ReadOnlyHostTensor Rounded) RoundToBFloat16(ReadOnlyHostTensor tensor)
    {
        var bits = new ushort[tensor.Data.Length];
        HalfPrecision.Encode(tensor.Data.Span, bits, DType.BFloat16);
        var rounded = new float[bits.Length];
        HalfPrecision.Decode(bits, rounded, DType.BFloat16);
        return (bits, new ReadOnlyHostTensor(rounded, tensor.Layout));
    }
}

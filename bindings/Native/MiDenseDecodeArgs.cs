using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_dense_decode_args</c>, field for field.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiDenseDecodeArgs
{
    /// <summary><c>dtype</c>: Float16 or BFloat16, the same for q, the caches and o.</summary>
    public MiDType DType;

    /// <summary><c>batch</c>: sequences.</summary>
    public long Batch;

    /// <summary><c>q_heads</c>: a multiple of <see cref="KvHeads"/>.</summary>
    public long QHeads;

    /// <summary><c>kv_heads</c>.</summary>
    public long KvHeads;

    /// <summary><c>head_dim</c>: one of <see cref="MiNative.AttentionHeadDims"/>.</summary>
    public long HeadDim;

    /// <summary><c>capacity</c>: tokens each sequence's cache holds.</summary>
    public long Capacity;

    /// <summary><c>max_len</c>: in [0, capacity], at least every sequence's length.</summary>
    public long MaxLen;

    /// <summary><c>q</c>: [batch, q_heads, 1, head_dim].</summary>
    public MiTensor4 Q;

    /// <summary><c>k</c>: [batch, kv_heads, capacity, head_dim].</summary>
    public MiTensor4 K;

    /// <summary><c>v</c>: [batch, kv_heads, capacity, head_dim].</summary>
    public MiTensor4 V;

    /// <summary><c>seq_lens</c>: device int32 [batch].</summary>
    public nint SeqLens;

    /// <summary><c>o</c>: [batch, q_heads, 1, head_dim], written.</summary>
    public MiTensor4 O;

    /// <summary><c>lse</c>: optional (0) device fp32 [batch, q_heads].</summary>
    public nint Lse;

    /// <summary><c>softmax_scale</c>: &gt; 0, or 0 for 1/sqrt(head_dim).</summary>
    public float SoftmaxScale;

    /// <summary><c>splits</c>: key ranges per (sequence, kv head), or 0 to let the library choose.</summary>
    public int Splits;
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_dense_attention_args</c>, field for field (232 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiDenseAttentionArgs
{
    /// <summary><c>dtype</c>: Float16 or BFloat16, the same for q, k, v and o.</summary>
    public MiDType DType;

    /// <summary><c>batch</c>.</summary>
    public long Batch;

    /// <summary><c>q_heads</c>: a multiple of <see cref="KvHeads"/>.</summary>
    public long QHeads;

    /// <summary><c>kv_heads</c>.</summary>
    public long KvHeads;

    /// <summary><c>q_len</c>.</summary>
    public long QLen;

    /// <summary><c>kv_len</c>.</summary>
    public long KvLen;

    /// <summary><c>head_dim</c>: one of <see cref="MiNative.AttentionHeadDims"/>.</summary>
    public long HeadDim;

    /// <summary><c>q</c>: [batch, q_heads, q_len, head_dim].</summary>
    public MiTensor4 Q;

    /// <summary><c>k</c>: [batch, kv_heads, kv_len, head_dim].</summary>
    public MiTensor4 K;

    /// <summary><c>v</c>: [batch, kv_heads, kv_len, head_dim].</summary>
    public MiTensor4 V;

    /// <summary><c>o</c>: [batch, q_heads, q_len, head_dim], written.</summary>
    public MiTensor4 O;

    /// <summary><c>lse</c>: optional (0) device pointer to fp32 [batch, q_heads, q_len], contiguous.</summary>
    public nint Lse;

    /// <summary><c>softmax_scale</c>: &gt; 0, or 0 for 1/sqrt(head_dim).</summary>
    public float SoftmaxScale;

    /// <summary><c>causal</c>: 0 or 1, mask aligned bottom-right.</summary>
    public int Causal;
}

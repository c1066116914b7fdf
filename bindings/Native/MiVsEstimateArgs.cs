using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_vs_estimate_args</c>, field for field (160 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiVsEstimateArgs
{
    /// <summary><c>dtype</c>: Float16 or BFloat16, the same for q and k.</summary>
    public MiDType DType;

    /// <summary><c>batch</c>.</summary>
    public long Batch;

    /// <summary><c>q_heads</c>: a multiple of <see cref="KvHeads"/>.</summary>
    public long QHeads;

    /// <summary><c>kv_heads</c>.</summary>
    public long KvHeads;

    /// <summary><c>seq_len</c>: N, the length of q and of k.</summary>
    public long SeqLen;

    /// <summary><c>head_dim</c>: one of <see cref="MiNative.AttentionHeadDims"/>.</summary>
    public long HeadDim;

    /// <summary><c>q</c>: [batch, q_heads, N, head_dim].</summary>
    public MiTensor4 Q;

    /// <summary><c>k</c>: [batch, kv_heads, N, head_dim].</summary>
    public MiTensor4 K;

    /// <summary><c>heads</c>: host array of query-head indices, or 0 for all heads.</summary>
    public nint Heads;

    /// <summary><c>head_count</c>: entries in <see cref="Heads"/>.</summary>
    public int HeadCount;

    /// <summary><c>softmax_scale</c>: &gt; 0, or 0 for 1/sqrt(head_dim).</summary>
    public float SoftmaxScale;

    /// <summary><c>vertical_scores</c>: device pointer to fp32 [batch, head_count, N], written.</summary>
    public nint VerticalScores;

    /// <summary><c>slash_scores</c>: device pointer to fp32 [batch, head_count, N] indexed by diagonal offset, written.</summary>
    public nint SlashScores;
}

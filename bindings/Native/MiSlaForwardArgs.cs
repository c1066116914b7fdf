using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_sla_forward_args</c>, field for field (376 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiSlaForwardArgs
{
    /// <summary><c>dtype</c>: Float16 or BFloat16, for q, k, v, o and the optional outputs.</summary>
    public MiDType DType;

    /// <summary><c>batch</c>.</summary>
    public long Batch;

    /// <summary><c>heads</c>.</summary>
    public long Heads;

    /// <summary><c>seq_len</c>: N in [1, 2^21].</summary>
    public long SeqLen;

    /// <summary><c>head_dim</c>.</summary>
    public long HeadDim;

    /// <summary><c>q</c>: [batch, heads, N, head_dim].</summary>
    public MiTensor4 Q;

    /// <summary><c>k</c>.</summary>
    public MiTensor4 K;

    /// <summary><c>v</c>.</summary>
    public MiTensor4 V;

    /// <summary><c>o</c>: written, O = O_s + Proj(O_l); must not overlap q, k or v.</summary>
    public MiTensor4 O;

    /// <summary><c>o_sparse</c>: optional (data 0), written: O_s, the critical branch.</summary>
    public MiTensor4 OSparse;

    /// <summary><c>o_linear</c>: optional (data 0), written: O_l before Proj.</summary>
    public MiTensor4 OLinear;

    /// <summary><c>lse</c>: optional (0) device fp32 [batch, heads, N], written: the critical branch's log-sum-exp.</summary>
    public nint Lse;

    /// <summary><c>proj_weight</c>: device fp32 [head_dim, head_dim], row-major W (out, in).</summary>
    public nint ProjWeight;

    /// <summary><c>proj_bias</c>: device fp32 [head_dim].</summary>
    public nint ProjBias;

    /// <summary><c>softmax_scale</c>: &gt; 0, or 0 for 1/sqrt(head_dim).</summary>
    public float SoftmaxScale;

    /// <summary><c>feature_map</c>: a <see cref="MiSlaFeatureMap"/> value.</summary>
    public MiSlaFeatureMap FeatureMap;

    /// <summary><c>linear_branch</c>: a <see cref="MiSlaLinearBranch"/> value.</summary>
    public MiSlaLinearBranch LinearBranch;

    /// <summary><c>critical</c>: the mask's critical index.</summary>
    public MiCsrIndex Critical;

    /// <summary><c>negligible</c>: the mask's negligible index (read only with the marginal-blocks branch).</summary>
    public MiCsrIndex Negligible;

    /// <summary><c>linear_inv_den</c>: optional (0) device fp32 [batch, heads, N], written: 1 / (φ(q)·Z) per row, 0 where the linear branch is off.</summary>
    public nint LinearInvDen;

    /// <summary><c>causal</c>: 0, or 1 for causal SLA (a causal mask, the marginal-blocks branch).</summary>
    public int Causal;
}

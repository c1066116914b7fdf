using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_sla_backward_args</c>, field for field (504 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiSlaBackwardArgs
{
    /// <summary><c>dtype</c>: the forward's, for every tensor operand.</summary>
    public MiDType DType;

    /// <summary><c>batch</c>.</summary>
    public long Batch;

    /// <summary><c>heads</c>.</summary>
    public long Heads;

    /// <summary><c>seq_len</c>.</summary>
    public long SeqLen;

    /// <summary><c>head_dim</c>.</summary>
    public long HeadDim;

    /// <summary><c>q</c>: the forward's, unchanged since.</summary>
    public MiTensor4 Q;

    /// <summary><c>k</c>.</summary>
    public MiTensor4 K;

    /// <summary><c>v</c>.</summary>
    public MiTensor4 V;

    /// <summary><c>o_sparse</c>: the forward's O_s.</summary>
    public MiTensor4 OSparse;

    /// <summary><c>o_linear</c>: the forward's O_l.</summary>
    public MiTensor4 OLinear;

    /// <summary><c>lse</c>: the forward's log-sum-exp, device fp32 [batch, heads, N].</summary>
    public nint Lse;

    /// <summary><c>linear_inv_den</c>: the forward's 1 / (φ(q)·Z), device fp32 [batch, heads, N].</summary>
    public nint LinearInvDen;

    /// <summary><c>d_o</c>: dO.</summary>
    public MiTensor4 DO;

    /// <summary><c>d_q</c>: written; no gradient may overlap an input or another gradient.</summary>
    public MiTensor4 DQ;

    /// <summary><c>d_k</c>: written.</summary>
    public MiTensor4 DK;

    /// <summary><c>d_v</c>: written.</summary>
    public MiTensor4 DV;

    /// <summary><c>d_weight</c>: written, device fp32 [head_dim, head_dim], summed over batch and heads.</summary>
    public nint DWeight;

    /// <summary><c>d_bias</c>: written, device fp32 [head_dim].</summary>
    public nint DBias;

    /// <summary><c>proj_weight</c>: the forward's W.</summary>
    public nint ProjWeight;

    /// <summary><c>softmax_scale</c>: the forward's.</summary>
    public float SoftmaxScale;

    /// <summary><c>feature_map</c>: a <see cref="MiSlaFeatureMap"/> value.</summary>
    public MiSlaFeatureMap FeatureMap;

    /// <summary><c>linear_branch</c>: a <see cref="MiSlaLinearBranch"/> value.</summary>
    public MiSlaLinearBranch LinearBranch;

    /// <summary><c>critical</c>: the forward's critical index (the mask is held fixed).</summary>
    public MiCsrIndex Critical;

    /// <summary><c>negligible</c>: the forward's negligible index.</summary>
    public MiCsrIndex Negligible;

    /// <summary><c>causal</c>: the forward's.</summary>
    public int Causal;
}

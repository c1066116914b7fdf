using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_sla_mask_args</c>, field for field (184 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiSlaMaskArgs
{
    /// <summary><c>dtype</c>: Float16 or BFloat16.</summary>
    public MiDType DType;

    /// <summary><c>batch</c>.</summary>
    public long Batch;

    /// <summary><c>heads</c>: q and k have the same heads.</summary>
    public long Heads;

    /// <summary><c>seq_len</c>: N in [1, 2^21].</summary>
    public long SeqLen;

    /// <summary><c>head_dim</c>: one of <see cref="MiNative.AttentionHeadDims"/>.</summary>
    public long HeadDim;

    /// <summary><c>q</c>: [batch, heads, N, head_dim].</summary>
    public MiTensor4 Q;

    /// <summary><c>k</c>: [batch, heads, N, head_dim].</summary>
    public MiTensor4 K;

    /// <summary><c>critical</c>: key blocks per row, in [1, ceil(N / 64)].</summary>
    public long Critical;

    /// <summary><c>negligible</c>: key blocks per row, in [0, ceil(N / 64) - critical].</summary>
    public long Negligible;

    /// <summary><c>smooth_keys</c>: 0 or 1.</summary>
    public int SmoothKeys;

    /// <summary><c>critical_row_ptr</c>: device int64 [rows + 1], written.</summary>
    public nint CriticalRowPtr;

    /// <summary><c>critical_blocks</c>: device int32 [rows · critical], written.</summary>
    public nint CriticalBlocks;

    /// <summary><c>negligible_row_ptr</c>: device int64 [rows + 1], written.</summary>
    public nint NegligibleRowPtr;

    /// <summary><c>negligible_blocks</c>: device int32 [rows · negligible], written when negligible &gt; 0.</summary>
    public nint NegligibleBlocks;

    /// <summary><c>classes</c>: optional (0) device int8 [batch, heads, blocks, blocks], written: 1 critical, 0 marginal, -1 negligible.</summary>
    public nint Classes;

    /// <summary><c>causal</c>: 0, or 1 for causal SLA (per-row counts from the fractions; <see cref="Critical"/> and <see cref="Negligible"/> ignored).</summary>
    public int Causal;

    /// <summary><c>critical_fraction</c>: causal only, k_h in (0, 1].</summary>
    public double CriticalFraction;

    /// <summary><c>negligible_fraction</c>: causal only, k_l in [0, 1).</summary>
    public double NegligibleFraction;
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_dense_heads_attention_args</c>, field for field (264 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiDenseHeadsAttentionArgs
{
    /// <summary><c>attention</c>: the operands; <c>causal</c> must be 1.</summary>
    public MiDenseAttentionArgs Attention;

    /// <summary><c>heads</c>: host array of query-head indices, or 0 for all heads.</summary>
    public nint Heads;

    /// <summary><c>head_count</c>.</summary>
    public int HeadCount;

    /// <summary><c>routes</c>: the optional device-side filter of the listed heads (zeroed: none).</summary>
    public MiHeadRoutes Routes;
}

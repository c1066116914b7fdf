using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_permuted_attention_args</c>, field for field (296 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiPermutedAttentionArgs
{
    /// <summary><c>attention</c>: the operands; causal, q_len == kv_len.</summary>
    public MiDenseAttentionArgs Attention;

    /// <summary><c>blocks</c>: permuted key-block indices per (batch, listed head, permuted query block).</summary>
    public MiCsrIndex Blocks;

    /// <summary><c>order</c>: device int32 [batch, head_count, N], the original position of each permuted slot.</summary>
    public nint Order;

    /// <summary><c>heads</c>: host array of query-head indices, or 0 for all heads.</summary>
    public nint Heads;

    /// <summary><c>head_count</c>.</summary>
    public int HeadCount;

    /// <summary><c>routes</c>: the optional device-side filter of the listed heads (zeroed: none).</summary>
    public MiHeadRoutes Routes;
}

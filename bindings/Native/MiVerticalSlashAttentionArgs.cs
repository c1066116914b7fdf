using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_vertical_slash_attention_args</c>, field for field (312 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiVerticalSlashAttentionArgs
{
    /// <summary><c>attention</c>: the operands; causal, q_len == kv_len.</summary>
    public MiDenseAttentionArgs Attention;

    /// <summary><c>blocks</c>: first key column of each 64-key block, per (batch, listed head, query block).</summary>
    public MiCsrIndex Blocks;

    /// <summary><c>columns</c>: gathered key columns, per (batch, listed head, query block).</summary>
    public MiCsrIndex Columns;

    /// <summary><c>heads</c>: host array of query-head indices, or 0 for all heads.</summary>
    public nint Heads;

    /// <summary><c>head_count</c>.</summary>
    public int HeadCount;

    /// <summary><c>routes</c>: the optional device-side filter of the listed heads (zeroed: none).</summary>
    public MiHeadRoutes Routes;
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_ashape_attention_args</c>, field for field (280 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiAShapeAttentionArgs
{
    /// <summary><c>attention</c>: the operands, as for dense; <c>causal</c> must be 1.</summary>
    public MiDenseAttentionArgs Attention;

    /// <summary><c>sink_tokens</c>: leading keys every query sees (n_init).</summary>
    public long SinkTokens;

    /// <summary><c>local_window</c>: width of the diagonal band, the diagonal included (n_local).</summary>
    public long LocalWindow;

    /// <summary><c>heads</c>: host array of query-head indices, or 0 for all heads.</summary>
    public nint Heads;

    /// <summary><c>head_count</c>: entries in <see cref="Heads"/>.</summary>
    public int HeadCount;

    /// <summary><c>routes</c>: the optional device-side filter of the listed heads (zeroed: none).</summary>
    public MiHeadRoutes Routes;
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_boundary_select_args</c>, field for field (200 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiBoundarySelectArgs
{
    /// <summary><c>dtype</c>.</summary>
    public MiDType DType;

    /// <summary><c>batch</c>.</summary>
    public long Batch;

    /// <summary><c>q_heads</c>.</summary>
    public long QHeads;

    /// <summary><c>kv_heads</c>.</summary>
    public long KvHeads;

    /// <summary><c>seq_len</c>: N, q_len == kv_len.</summary>
    public long SeqLen;

    /// <summary><c>head_dim</c>.</summary>
    public long HeadDim;

    /// <summary><c>q</c>: [batch, q_heads, N, head_dim].</summary>
    public MiTensor4 Q;

    /// <summary><c>k</c>: [batch, kv_heads, N, head_dim].</summary>
    public MiTensor4 K;

    /// <summary><c>heads</c>: host array of query heads, or 0 for all.</summary>
    public nint Heads;

    /// <summary><c>head_count</c>.</summary>
    public int HeadCount;

    /// <summary><c>order</c>: device int32 [batch, head_count, N], text tokens first.</summary>
    public nint Order;

    /// <summary><c>text_tokens</c>: T.</summary>
    public long TextTokens;

    /// <summary><c>kind</c>: <c>mi_boundary_kind</c> (0 query, 1 key, 2 2d).</summary>
    public int Kind;

    /// <summary><c>first</c>: the first budget.</summary>
    public long First;

    /// <summary><c>second</c>: the second budget.</summary>
    public long Second;

    /// <summary><c>row_ptr</c>: device int64 [rows + 1], written.</summary>
    public nint RowPtr;

    /// <summary><c>blocks</c>: device int32 entries, written.</summary>
    public nint Blocks;
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_grid_select_args</c>, field for field (192 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiGridSelectArgs
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

    /// <summary><c>strides</c>: device int32 [batch, head_count], from <c>mi_grid_estimate</c>.</summary>
    public nint Strides;

    /// <summary><c>phases</c>: device int32 [batch, head_count].</summary>
    public nint Phases;

    /// <summary><c>order</c>: device int32 [batch, head_count, N].</summary>
    public nint Order;

    /// <summary><c>keep</c>: key blocks per query block.</summary>
    public long Keep;

    /// <summary><c>row_ptr</c>: device int64 [rows + 1], written.</summary>
    public nint RowPtr;

    /// <summary><c>blocks</c>: device int32 entries, written.</summary>
    public nint Blocks;
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_block_sparse_estimate_args</c>, field for field (168 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiBlockSparseEstimateArgs
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

    /// <summary><c>top_k</c>: key blocks kept per query block (block 0 and the diagonal included).</summary>
    public long TopK;

    /// <summary><c>row_ptr</c>: device int64 [rows + 1], written.</summary>
    public nint RowPtr;

    /// <summary><c>blocks</c>: device int32 entries, written.</summary>
    public nint Blocks;
}

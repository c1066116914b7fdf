using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_pq_encode_args</c>, field for field (160 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiPqEncodeArgs
{
    /// <summary><c>dtype</c>: Float16 or BFloat16, the input vectors.</summary>
    public MiDType DType;

    /// <summary><c>batch</c>.</summary>
    public long Batch;

    /// <summary><c>kv_heads</c>.</summary>
    public long KvHeads;

    /// <summary><c>head_dim</c>.</summary>
    public long HeadDim;

    /// <summary><c>subspaces</c>: 32 or 64, dividing head_dim.</summary>
    public long Subspaces;

    /// <summary><c>max_tokens</c>: the most tokens of one sequence encoded.</summary>
    public long MaxTokens;

    /// <summary><c>input</c>: [batch, kv_heads, max_tokens, head_dim].</summary>
    public MiTensor4 Input;

    /// <summary><c>centroids</c>: device fp32 [kv_heads or 1, M, 256, head_dim / M].</summary>
    public nint Centroids;

    /// <summary><c>shared_codebook</c>: 0 or 1.</summary>
    public int SharedCodebook;

    /// <summary><c>codes</c>: device bytes [batch, kv_heads, capacity, M].</summary>
    public nint Codes;

    /// <summary><c>code_strides[0]</c>: bytes per sequence.</summary>
    public long CodeBatchStride;

    /// <summary><c>code_strides[1]</c>: bytes per kv head.</summary>
    public long CodeHeadStride;

    /// <summary><c>code_strides[2]</c>: bytes per token.</summary>
    public long CodeTokenStride;

    /// <summary><c>capacity</c>: code rows per (sequence, kv head).</summary>
    public long Capacity;

    /// <summary><c>offsets</c>: optional device int32 [batch].</summary>
    public nint Offsets;

    /// <summary><c>counts</c>: optional device int32 [batch].</summary>
    public nint Counts;
}

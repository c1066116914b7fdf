using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_pq_decode_args</c>, field for field (328 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiPqDecodeArgs
{
    /// <summary><c>dtype</c>: Float16 or BFloat16: q, the window and o.</summary>
    public MiDType DType;

    /// <summary><c>batch</c>.</summary>
    public long Batch;

    /// <summary><c>q_heads</c>.</summary>
    public long QHeads;

    /// <summary><c>kv_heads</c>.</summary>
    public long KvHeads;

    /// <summary><c>head_dim</c>.</summary>
    public long HeadDim;

    /// <summary><c>subspaces</c>: 32 or 64.</summary>
    public long Subspaces;

    /// <summary><c>capacity</c>: code rows per (sequence, kv head).</summary>
    public long Capacity;

    /// <summary><c>window</c>: window rows per (sequence, kv head).</summary>
    public long Window;

    /// <summary><c>max_coded</c>: at least every coded length.</summary>
    public long MaxCoded;

    /// <summary><c>q</c>: [batch, q_heads, 1, head_dim].</summary>
    public MiTensor4 Q;

    /// <summary><c>key_codes</c>: device bytes [batch, kv_heads, capacity, M].</summary>
    public nint KeyCodes;

    /// <summary><c>value_codes</c>: the same layout.</summary>
    public nint ValueCodes;

    /// <summary><c>code_strides[0]</c>: bytes per sequence.</summary>
    public long CodeBatchStride;

    /// <summary><c>code_strides[1]</c>: bytes per kv head.</summary>
    public long CodeHeadStride;

    /// <summary><c>code_strides[2]</c>: bytes per token.</summary>
    public long CodeTokenStride;

    /// <summary><c>key_centroids</c>: device fp32 [kv_heads or 1, M, 256, head_dim / M].</summary>
    public nint KeyCentroids;

    /// <summary><c>value_centroids</c>: the same layout.</summary>
    public nint ValueCentroids;

    /// <summary><c>shared_codebook</c>: 0 or 1.</summary>
    public int SharedCodebook;

    /// <summary><c>window_k</c>: [batch, kv_heads, window, head_dim].</summary>
    public MiTensor4 WindowK;

    /// <summary><c>window_v</c>: the same layout.</summary>
    public MiTensor4 WindowV;

    /// <summary><c>coded_lens</c>: device int32 [batch].</summary>
    public nint CodedLens;

    /// <summary><c>window_lens</c>: device int32 [batch].</summary>
    public nint WindowLens;

    /// <summary><c>o</c>: [batch, q_heads, 1, head_dim], written.</summary>
    public MiTensor4 O;

    /// <summary><c>lse</c>: optional device fp32 [batch, q_heads].</summary>
    public nint Lse;

    /// <summary><c>softmax_scale</c>: &gt; 0, or 0 for 1/sqrt(head_dim).</summary>
    public float SoftmaxScale;

    /// <summary><c>splits</c>: ranges over the coded tokens, or 0 to let the library choose.</summary>
    public int Splits;
}

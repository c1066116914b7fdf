using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_kv_append_step_args</c>, field for field (192 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiKvAppendStepArgs
{
    /// <summary><c>dtype</c>: Float16 or BFloat16, the window's values.</summary>
    public MiDType DType;

    /// <summary><c>batch</c>.</summary>
    public long Batch;

    /// <summary><c>kv_heads</c>.</summary>
    public long KvHeads;

    /// <summary><c>head_dim</c>.</summary>
    public long HeadDim;

    /// <summary><c>window</c>: rows per (sequence, kv head).</summary>
    public long Window;

    /// <summary><c>capacity</c>: tokens per sequence.</summary>
    public long Capacity;

    /// <summary><c>keys</c>: [batch, kv_heads, 1, head_dim].</summary>
    public MiTensor4 Keys;

    /// <summary><c>values</c>: as the keys.</summary>
    public MiTensor4 Values;

    /// <summary><c>window_k</c>: [batch, kv_heads, window, head_dim] contiguous.</summary>
    public nint WindowK;

    /// <summary><c>window_v</c>.</summary>
    public nint WindowV;

    /// <summary><c>staging_k</c>: the window's layout.</summary>
    public nint StagingK;

    /// <summary><c>staging_v</c>.</summary>
    public nint StagingV;

    /// <summary><c>coded_lens</c>: device int32 [batch].</summary>
    public nint CodedLens;

    /// <summary><c>window_lens</c>: device int32 [batch].</summary>
    public nint WindowLens;

    /// <summary><c>flush_offsets</c>: device int32 [batch], written.</summary>
    public nint FlushOffsets;

    /// <summary><c>flush_counts</c>: device int32 [batch], written.</summary>
    public nint FlushCounts;
}

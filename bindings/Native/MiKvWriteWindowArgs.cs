using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_kv_write_window_args</c>, field for field (200 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiKvWriteWindowArgs
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

    /// <summary><c>sequence</c>: the sequence written.</summary>
    public long Sequence;

    /// <summary><c>rows</c>: rows per kv head copied.</summary>
    public long Rows;

    /// <summary><c>first_row</c>: window row of the first copied row.</summary>
    public long FirstRow;

    /// <summary><c>keys</c>: [1, kv_heads, rows, head_dim].</summary>
    public MiTensor4 Keys;

    /// <summary><c>values</c>: as the keys.</summary>
    public MiTensor4 Values;

    /// <summary><c>window_k</c>: [batch, kv_heads, window, head_dim] contiguous.</summary>
    public nint WindowK;

    /// <summary><c>window_v</c>.</summary>
    public nint WindowV;

    /// <summary><c>coded_lens</c>: device int32 [batch].</summary>
    public nint CodedLens;

    /// <summary><c>window_lens</c>: device int32 [batch].</summary>
    public nint WindowLens;

    /// <summary><c>coded_length</c>: the sequence's coded tokens after the write.</summary>
    public long CodedLength;

    /// <summary><c>window_length</c>: the sequence's window tokens after the write.</summary>
    public long WindowLength;
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_vs_index_args</c>, field for field (96 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiVsIndexArgs
{
    /// <summary><c>rows</c>: batch · head_count (batch, listed head) pairs.</summary>
    public long Rows;

    /// <summary><c>seq_len</c>: N; each row has ceil(N / 64) query blocks.</summary>
    public long SeqLen;

    /// <summary><c>vertical_count</c>: columns per row of <see cref="Verticals"/>.</summary>
    public long VerticalCount;

    /// <summary><c>slash_count</c>: offsets per row of <see cref="Slashes"/>.</summary>
    public long SlashCount;

    /// <summary><c>verticals</c>: device pointer to int32 [rows, vertical_count], ascending.</summary>
    public nint Verticals;

    /// <summary><c>slashes</c>: device pointer to int32 [rows, slash_count], descending, ending with 0.</summary>
    public nint Slashes;

    /// <summary><c>block_row_ptr</c>: device pointer to int64 [rows · ceil(N / 64) + 1], written by count.</summary>
    public nint BlockRowPtr;

    /// <summary><c>column_row_ptr</c>: device pointer to int64 [rows · ceil(N / 64) + 1], written by count.</summary>
    public nint ColumnRowPtr;

    /// <summary><c>block_starts</c>: device pointer to int32 entries, written by fill.</summary>
    public nint BlockStarts;

    /// <summary><c>block_capacity</c>: entries <see cref="BlockStarts"/> holds.</summary>
    public long BlockCapacity;

    /// <summary><c>columns</c>: device pointer to int32 entries, written by fill.</summary>
    public nint Columns;

    /// <summary><c>column_capacity</c>: entries <see cref="Columns"/> holds.</summary>
    public long ColumnCapacity;
}

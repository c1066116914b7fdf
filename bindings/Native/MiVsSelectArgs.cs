using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_vs_select_args</c>, field for field (64 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiVsSelectArgs
{
    /// <summary><c>rows</c>: batch · head_count (batch, listed head) pairs.</summary>
    public long Rows;

    /// <summary><c>seq_len</c>: N.</summary>
    public long SeqLen;

    /// <summary><c>vertical_count</c>: columns kept per row, 1..N.</summary>
    public long VerticalCount;

    /// <summary><c>slash_count</c>: diagonal offsets kept per row, 1..N.</summary>
    public long SlashCount;

    /// <summary><c>vertical_scores</c>: device pointer to fp32 [rows, N], read.</summary>
    public nint VerticalScores;

    /// <summary><c>slash_scores</c>: device pointer to fp32 [rows, N], read.</summary>
    public nint SlashScores;

    /// <summary><c>verticals</c>: device pointer to int32 [rows, vertical_count], written ascending.</summary>
    public nint Verticals;

    /// <summary><c>slashes</c>: device pointer to int32 [rows, slash_count], written descending.</summary>
    public nint Slashes;
}

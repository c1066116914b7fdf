using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_vs_route_args</c>, field for field (120 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiVsRouteArgs
{
    /// <summary><c>batch</c>.</summary>
    public long Batch;

    /// <summary><c>q_heads</c>: the codes are [batch, q_heads].</summary>
    public long QHeads;

    /// <summary><c>seq_len</c>: N.</summary>
    public long SeqLen;

    /// <summary><c>heads</c>: host array of the index's listed heads, or 0 for all.</summary>
    public nint Heads;

    /// <summary><c>head_count</c>.</summary>
    public int HeadCount;

    /// <summary><c>block_row_ptr</c>: from <c>mi_vs_index_count</c>.</summary>
    public nint BlockRowPtr;

    /// <summary><c>column_row_ptr</c>: from <c>mi_vs_index_count</c>.</summary>
    public nint ColumnRowPtr;

    /// <summary><c>block_capacity</c>: as given to <c>mi_vs_index_fill</c>.</summary>
    public long BlockCapacity;

    /// <summary><c>column_capacity</c>.</summary>
    public long ColumnCapacity;

    /// <summary><c>block_tile_cost</c>.</summary>
    public double BlockTileCost;

    /// <summary><c>column_tile_cost</c>.</summary>
    public double ColumnTileCost;

    /// <summary><c>dense_tile_cost</c>.</summary>
    public double DenseTileCost;

    /// <summary><c>max_density</c>.</summary>
    public double MaxDensity;

    /// <summary><c>codes</c>: written, device [batch, q_heads].</summary>
    public nint Codes;

    /// <summary><c>entries</c>: optional, written, device [batch, head_count].</summary>
    public nint Entries;
}

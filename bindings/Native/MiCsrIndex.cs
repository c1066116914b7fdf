using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_csr_index</c>, field for field (24 bytes): per-query-block lists in device memory.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiCsrIndex
{
    /// <summary><c>row_ptr</c>: device pointer to int64 [rows + 1].</summary>
    public nint RowPtr;

    /// <summary><c>values</c>: device pointer to int32 entries.</summary>
    public nint Values;

    /// <summary><c>value_count</c>: entries in <see cref="Values"/>.</summary>
    public long ValueCount;
}

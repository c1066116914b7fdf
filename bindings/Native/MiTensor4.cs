using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary>
/// <c>mi_tensor4</c>, field for field (40 bytes): a rank-4 operand in logical order
/// [batch, heads, seq, head_dim] with per-dimension element strides.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiTensor4
{
    /// <summary><c>data</c>: device pointer to element [0, 0, 0, 0].</summary>
    public nint Data;

    /// <summary><c>stride</c>.</summary>
    public MiStrides4 Stride;
}

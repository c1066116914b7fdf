using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary><c>mi_head_routes</c>, field for field (16 bytes): which listed heads a pattern launch computes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiHeadRoutes
{
    /// <summary><c>codes</c>: device [batch, q_heads] route codes, or 0: every listed head runs.</summary>
    public nint Codes;

    /// <summary><c>run_dense</c>: 0 runs heads coded <see cref="MiRouteCode.Sparse"/>, 1 runs every other code.</summary>
    public int RunDense;
}

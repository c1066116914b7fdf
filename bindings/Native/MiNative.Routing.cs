using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>Device-side fallback decision of a vertical-slash index, per (batch, listed head); asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_vs_route")]
    internal static partial MiStatusCode mi_vs_route(in MiVsRouteArgs args, StreamHandle stream);

    /// <summary>Writes route codes decided on the host for the listed heads of every batch element; asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_routes_set")]
    internal static partial MiStatusCode mi_routes_set(
        nint codes, long batch, long q_heads, int* heads, int* values, int head_count, StreamHandle stream);

    /// <summary>Calls <see cref="mi_vs_route"/> with <paramref name="heads"/> pinned for the call.</summary>
    internal static MiStatusCode VsRoute(MiVsRouteArgs args, ReadOnlySpan<int> heads, StreamHandle stream)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_vs_route(in args, stream);
        }
    }

    /// <summary>Calls <see cref="mi_routes_set"/> with both host arrays pinned for the call.</summary>
    internal static MiStatusCode RoutesSet(nint codes, long batch, long qHeads, ReadOnlySpan<int> heads, ReadOnlySpan<int> values, StreamHandle stream)
    {
        fixed (int* headList = heads)
        fixed (int* valueList = values)
        {
            return mi_routes_set(codes, batch, qHeads, headList, valueList, heads.Length, stream);
        }
    }
}

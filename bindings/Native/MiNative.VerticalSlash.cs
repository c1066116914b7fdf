using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>Bytes of workspace <see cref="mi_vs_estimate"/> needs for <paramref name="args"/>' shapes (head list included).</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_vs_estimate_workspace_size")]
    internal static partial MiStatusCode mi_vs_estimate_workspace_size(in MiVsEstimateArgs args, out long bytes);

    /// <summary>
    /// Vertical and slash scores of the last min(64, N) queries of the listed heads, asynchronous on
    /// <paramref name="stream"/>; <paramref name="workspace"/> may be 0 when the size query says 0 bytes.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_vs_estimate")]
    internal static partial MiStatusCode mi_vs_estimate(in MiVsEstimateArgs args, nint workspace, long workspace_bytes, StreamHandle stream);

    /// <summary>Bytes of workspace <see cref="mi_vs_select"/> needs for <paramref name="args"/>' sizes.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_vs_select_workspace_size")]
    internal static partial MiStatusCode mi_vs_select_workspace_size(in MiVsSelectArgs args, out long bytes);

    /// <summary>Top vertical columns (ascending) and slash offsets (descending) per row, asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_vs_select")]
    internal static partial MiStatusCode mi_vs_select(in MiVsSelectArgs args, nint workspace, long workspace_bytes, StreamHandle stream);

    /// <summary>Bytes of workspace <see cref="mi_vs_index_count"/> needs for <paramref name="args"/>' sizes.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_vs_index_count_workspace_size")]
    internal static partial MiStatusCode mi_vs_index_count_workspace_size(in MiVsIndexArgs args, out long bytes);

    /// <summary>Writes both row-pointer arrays of the index conversion, asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_vs_index_count")]
    internal static partial MiStatusCode mi_vs_index_count(in MiVsIndexArgs args, nint workspace, long workspace_bytes, StreamHandle stream);

    /// <summary>Writes the block starts and columns at the row pointers of <see cref="mi_vs_index_count"/>, asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_vs_index_fill")]
    internal static partial MiStatusCode mi_vs_index_fill(in MiVsIndexArgs args, StreamHandle stream);

    /// <summary>
    /// Calls <see cref="mi_vs_estimate_workspace_size"/> with <paramref name="heads"/> pinned for the
    /// call (the head count is part of the shape); an empty span means every head.
    /// </summary>
    internal static MiStatusCode VsEstimateWorkspaceSize(MiVsEstimateArgs args, ReadOnlySpan<int> heads, out long bytes)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_vs_estimate_workspace_size(in args, out bytes);
        }
    }

    /// <summary>Calls <see cref="mi_vs_estimate"/> with <paramref name="heads"/> pinned for the call.</summary>
    internal static MiStatusCode VsEstimate(MiVsEstimateArgs args, ReadOnlySpan<int> heads, nint workspace, long workspaceBytes, StreamHandle stream)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_vs_estimate(in args, workspace, workspaceBytes, stream);
        }
    }
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>Entries of a boundary index of this shape (a row's length depends only on its modality).</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_boundary_select_index_size")]
    internal static partial MiStatusCode mi_boundary_select_index_size(
        long batch, long head_count, long seq_len, long text_tokens, int kind, long first, long second, out long entries);

    /// <summary>Bytes of workspace <see cref="mi_boundary_select"/> needs for <paramref name="args"/>' shapes.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_boundary_select_workspace_size")]
    internal static partial MiStatusCode mi_boundary_select_workspace_size(in MiBoundarySelectArgs args, out long bytes);

    /// <summary>Boundary block selection in modality order (pooled scores, per-range budgets), asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_boundary_select")]
    internal static partial MiStatusCode mi_boundary_select(in MiBoundarySelectArgs args, nint workspace, long workspace_bytes, StreamHandle stream);

    /// <summary>Calls <see cref="mi_boundary_select_workspace_size"/> with <paramref name="heads"/> pinned for the call.</summary>
    internal static MiStatusCode BoundarySelectWorkspaceSize(MiBoundarySelectArgs args, ReadOnlySpan<int> heads, out long bytes)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_boundary_select_workspace_size(in args, out bytes);
        }
    }

    /// <summary>Calls <see cref="mi_boundary_select"/> with <paramref name="heads"/> pinned for the call.</summary>
    internal static MiStatusCode BoundarySelect(MiBoundarySelectArgs args, ReadOnlySpan<int> heads, nint workspace, long workspaceBytes, StreamHandle stream)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_boundary_select(in args, workspace, workspaceBytes, stream);
        }
    }
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary><c>MI_BOUNDARY_MAX_VIDEO_SEGMENTS</c>: video segments one <see cref="mi_boundary_order"/> call takes.</summary>
    internal const int BoundaryMaxVideoSegments = 256;

    /// <summary>Bytes of workspace <see cref="mi_boundary_order"/> needs for <paramref name="args"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_boundary_order_workspace_size")]
    internal static partial MiStatusCode mi_boundary_order_workspace_size(in MiBoundaryOrderArgs args, out long bytes);

    /// <summary>The boundary heads' token order (text, then video in grid order where a grid shows), asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_boundary_order")]
    internal static partial MiStatusCode mi_boundary_order(in MiBoundaryOrderArgs args, nint workspace, long workspace_bytes, StreamHandle stream);

    /// <summary>Calls <see cref="mi_boundary_order_workspace_size"/> with the host arrays pinned for the call.</summary>
    internal static MiStatusCode BoundaryOrderWorkspaceSize(MiBoundaryOrderArgs args, ReadOnlySpan<int> heads, ReadOnlySpan<int> segments, ReadOnlySpan<int> candidates, out long bytes)
    {
        fixed (int* headList = heads, segmentList = segments, candidateList = candidates)
        {
            Pin(ref args, heads, headList, segments, segmentList, candidates, candidateList);
            return mi_boundary_order_workspace_size(in args, out bytes);
        }
    }

    /// <summary>Calls <see cref="mi_boundary_order"/> with the host arrays pinned for the call.</summary>
    internal static MiStatusCode BoundaryOrder(
        MiBoundaryOrderArgs args, ReadOnlySpan<int> heads, ReadOnlySpan<int> segments, ReadOnlySpan<int> candidates, nint workspace, long workspaceBytes, StreamHandle stream)
    {
        fixed (int* headList = heads, segmentList = segments, candidateList = candidates)
        {
            Pin(ref args, heads, headList, segments, segmentList, candidates, candidateList);
            return mi_boundary_order(in args, workspace, workspaceBytes, stream);
        }
    }

    private static void Pin(
        ref MiBoundaryOrderArgs args, ReadOnlySpan<int> heads, int* headList, ReadOnlySpan<int> segments, int* segmentList, ReadOnlySpan<int> candidates, int* candidateList)
    {
        args.Heads = heads.IsEmpty ? 0 : (nint)headList;
        args.HeadCount = heads.Length;
        args.VideoSegments = segments.IsEmpty ? 0 : (nint)segmentList;
        args.SegmentCount = segments.Length / 2;
        args.Candidates = candidates.IsEmpty ? 0 : (nint)candidateList;
        args.CandidateCount = candidates.Length;
    }

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

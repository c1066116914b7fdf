using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary><c>MI_GRID_MAX_CANDIDATES</c>: candidate strides one <see cref="mi_grid_estimate"/> call takes.</summary>
    internal const int GridMaxCandidates = 256;

    /// <summary>Online grid estimation from the last-query profiles: strides, phases and token orders; asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_grid_estimate")]
    internal static partial MiStatusCode mi_grid_estimate(in MiGridEstimateArgs args, StreamHandle stream);

    /// <summary>Calls <see cref="mi_grid_estimate"/> with <paramref name="candidates"/> pinned for the call.</summary>
    internal static MiStatusCode GridEstimate(MiGridEstimateArgs args, ReadOnlySpan<int> candidates, StreamHandle stream)
    {
        fixed (int* list = candidates)
        {
            args.Candidates = (nint)list;
            args.CandidateCount = candidates.Length;
            return mi_grid_estimate(in args, stream);
        }
    }

    /// <summary>Entries of a grid index of this shape: every row keeps min(keep, blocks) blocks.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_grid_select_index_size")]
    internal static partial MiStatusCode mi_grid_select_index_size(long batch, long head_count, long seq_len, long keep, out long entries);

    /// <summary>Bytes of workspace <see cref="mi_grid_select"/> needs for <paramref name="args"/>' shapes.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_grid_select_workspace_size")]
    internal static partial MiStatusCode mi_grid_select_workspace_size(in MiGridSelectArgs args, out long bytes);

    /// <summary>Grid block selection in permuted space (pooled scores through the orders, tiers), asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_grid_select")]
    internal static partial MiStatusCode mi_grid_select(in MiGridSelectArgs args, nint workspace, long workspace_bytes, StreamHandle stream);

    /// <summary>Calls <see cref="mi_grid_select_workspace_size"/> with <paramref name="heads"/> pinned for the call.</summary>
    internal static MiStatusCode GridSelectWorkspaceSize(MiGridSelectArgs args, ReadOnlySpan<int> heads, out long bytes)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_grid_select_workspace_size(in args, out bytes);
        }
    }

    /// <summary>Calls <see cref="mi_grid_select"/> with <paramref name="heads"/> pinned for the call.</summary>
    internal static MiStatusCode GridSelect(MiGridSelectArgs args, ReadOnlySpan<int> heads, nint workspace, long workspaceBytes, StreamHandle stream)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_grid_select(in args, workspace, workspaceBytes, stream);
        }
    }
}

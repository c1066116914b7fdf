using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>Entries of a block-sparse index of this shape (every row's length is known in advance).</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_block_sparse_index_size")]
    internal static partial MiStatusCode mi_block_sparse_index_size(long batch, long head_count, long seq_len, long top_k, out long entries);

    /// <summary>Bytes of workspace <see cref="mi_block_sparse_estimate"/> needs for <paramref name="args"/>' shapes.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_block_sparse_estimate_workspace_size")]
    internal static partial MiStatusCode mi_block_sparse_estimate_workspace_size(in MiBlockSparseEstimateArgs args, out long bytes);

    /// <summary>The block-sparse index of the listed heads (pooled scores, top-k), asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_block_sparse_estimate")]
    internal static partial MiStatusCode mi_block_sparse_estimate(in MiBlockSparseEstimateArgs args, nint workspace, long workspace_bytes, StreamHandle stream);

    /// <summary>Calls <see cref="mi_block_sparse_estimate_workspace_size"/> with <paramref name="heads"/> pinned for the call.</summary>
    internal static MiStatusCode BlockSparseEstimateWorkspaceSize(MiBlockSparseEstimateArgs args, ReadOnlySpan<int> heads, out long bytes)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_block_sparse_estimate_workspace_size(in args, out bytes);
        }
    }

    /// <summary>Calls <see cref="mi_block_sparse_estimate"/> with <paramref name="heads"/> pinned for the call.</summary>
    internal static MiStatusCode BlockSparseEstimate(MiBlockSparseEstimateArgs args, ReadOnlySpan<int> heads, nint workspace, long workspaceBytes, StreamHandle stream)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_block_sparse_estimate(in args, workspace, workspaceBytes, stream);
        }
    }
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>
    /// O = softmax(scale · Q Kᵀ [+ causal mask]) V, asynchronous on <paramref name="stream"/>. Validates
    /// every argument before launching; on a non-OK status no output has been touched.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_attention_dense_fwd")]
    internal static partial MiStatusCode mi_attention_dense_fwd(in MiDenseAttentionArgs args, StreamHandle stream);

    /// <summary>Causal dense attention of the listed heads (optionally filtered by route codes), asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_attention_dense_heads_fwd")]
    internal static partial MiStatusCode mi_attention_dense_heads_fwd(in MiDenseHeadsAttentionArgs args, StreamHandle stream);

    /// <summary>
    /// A-shape attention (sink tokens plus a local window, causal) for the query heads in
    /// <c>args.Heads</c>, asynchronous on <paramref name="stream"/>; rows of other heads are not touched.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_attention_ashape_fwd")]
    internal static partial MiStatusCode mi_attention_ashape_fwd(in MiAShapeAttentionArgs args, StreamHandle stream);

    /// <summary>Block-sparse attention over a CSR index of 64-key blocks, for the listed heads; asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_attention_block_sparse_fwd")]
    internal static partial MiStatusCode mi_attention_block_sparse_fwd(in MiBlockSparseAttentionArgs args, StreamHandle stream);

    /// <summary>Grid-head attention (MMInference) over permuted key blocks, for the listed heads; asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_attention_permuted_fwd")]
    internal static partial MiStatusCode mi_attention_permuted_fwd(in MiPermutedAttentionArgs args, StreamHandle stream);

    /// <summary>Vertical-slash attention over CSR indices of block runs and gathered columns, for the listed heads; asynchronous.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_attention_vertical_slash_fwd")]
    internal static partial MiStatusCode mi_attention_vertical_slash_fwd(in MiVerticalSlashAttentionArgs args, StreamHandle stream);

    /// <summary>
    /// Calls <see cref="mi_attention_ashape_fwd"/> with <paramref name="heads"/> pinned for the call
    /// (the library reads the list during the call only); an empty span means every head.
    /// </summary>
    internal static MiStatusCode AShapeForward(MiAShapeAttentionArgs args, ReadOnlySpan<int> heads, StreamHandle stream)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_attention_ashape_fwd(in args, stream);
        }
    }

    /// <summary>Calls <see cref="mi_attention_dense_heads_fwd"/> with <paramref name="heads"/> pinned for the call; empty: every head.</summary>
    internal static MiStatusCode DenseHeadsForward(MiDenseHeadsAttentionArgs args, ReadOnlySpan<int> heads, StreamHandle stream)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_attention_dense_heads_fwd(in args, stream);
        }
    }

    /// <summary>Calls <see cref="mi_attention_block_sparse_fwd"/> with <paramref name="heads"/> pinned for the call.</summary>
    internal static MiStatusCode BlockSparseForward(MiBlockSparseAttentionArgs args, ReadOnlySpan<int> heads, StreamHandle stream)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_attention_block_sparse_fwd(in args, stream);
        }
    }

    /// <summary>Calls <see cref="mi_attention_permuted_fwd"/> with <paramref name="heads"/> pinned for the call.</summary>
    internal static MiStatusCode PermutedForward(MiPermutedAttentionArgs args, ReadOnlySpan<int> heads, StreamHandle stream)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_attention_permuted_fwd(in args, stream);
        }
    }

    /// <summary>Calls <see cref="mi_attention_vertical_slash_fwd"/> with <paramref name="heads"/> pinned for the call.</summary>
    internal static MiStatusCode VerticalSlashForward(MiVerticalSlashAttentionArgs args, ReadOnlySpan<int> heads, StreamHandle stream)
    {
        fixed (int* headList = heads)
        {
            args.Heads = heads.IsEmpty ? 0 : (nint)headList;
            args.HeadCount = heads.Length;
            return mi_attention_vertical_slash_fwd(in args, stream);
        }
    }
}

namespace MInference.Sparse.Indexes;

/// <summary>The 64-token granularity every sparse pattern shares: query blocks, key blocks and pooling windows.</summary>
internal static class SparseBlocks
{
    /// <summary>
    /// Tokens per query block and per key block (MInference's BLOCK_SIZE_M = BLOCK_SIZE_N = 64):
    /// the native library's <c>MI_SPARSE_BLOCK</c>, checked when the library loads.
    /// </summary>
    public const int Size = Interop.MiNative.SparseBlockSize;

    /// <summary>Blocks needed to cover <paramref name="length"/> tokens: ceil(length / 64).</summary>
    public static int Count(long length) => (int)((length + Size - 1) / Size);
}

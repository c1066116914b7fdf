using MInference.Sparse.Indexes;

namespace MInference.Sparse.Gpu;

/// <summary>
/// Sizes of the per-(batch, listed head) lists that selection and index conversion work on, and the
/// byte sizes of the arrays between the steps.
/// </summary>
/// <param name="Rows">(batch, listed head) pairs: batch · head count.</param>
/// <param name="SequenceLength">N.</param>
/// <param name="VerticalCount">Key columns kept per row.</param>
/// <param name="SlashCount">Diagonal offsets kept per row.</param>
internal readonly record struct VerticalSlashListSizes(long Rows, int SequenceLength, int VerticalCount, int SlashCount)
{
    /// <summary>64-row query blocks per row: ceil(N / 64).</summary>
    public long QueryBlocks => SparseBlocks.Count(SequenceLength);

    /// <summary>Rows of the CSR indices: one per (batch, listed head, query block).</summary>
    public long IndexRows => Rows * QueryBlocks;

    /// <summary>Bytes of one fp32 score array, [rows, N].</summary>
    public long ScoreBytes => Rows * SequenceLength * sizeof(float);

    /// <summary>Bytes of the int32 verticals, [rows, VerticalCount].</summary>
    public long VerticalBytes => Rows * VerticalCount * sizeof(int);

    /// <summary>Bytes of the int32 slash offsets, [rows, SlashCount].</summary>
    public long SlashBytes => Rows * SlashCount * sizeof(int);

    /// <summary>Bytes of one int64 row-pointer array, IndexRows + 1 entries.</summary>
    public long RowPointerBytes => (IndexRows + 1) * sizeof(long);
}

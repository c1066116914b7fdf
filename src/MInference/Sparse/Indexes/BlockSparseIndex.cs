using MInference.Sparse.Estimation;

namespace MInference.Sparse.Indexes;

/// <summary>
/// The 64-key blocks each 64-query block of each (batch, head) computes under Block-Sparse: the
/// contract the GPU kernel consumes.
/// </summary>
/// <remarks>
/// Rows are the query blocks, flattened over [batch, head slot, query block] in that order:
/// row = (batch · heads + slot) · <see cref="QueryBlockCount"/> + queryBlock, where slot is the head's
/// position in <see cref="Heads"/>. Row r's key blocks are
/// <c>Blocks[RowPointers[r] .. RowPointers[r + 1])</c>, key block kb meaning keys
/// [64·kb, 64·kb + 64) ∩ [0, N); attention also masks j &lt;= i. Built by
/// <see cref="BlockSparseEstimation"/>, a row's blocks ascend, lie in [0, qb] and include 0 and qb.
/// </remarks>
public sealed class BlockSparseIndex
{
    /// <summary>Queries per query block and keys per key block.</summary>
    public const int BlockSize = SparseBlocks.Size;

    private readonly int[] _heads;
    private readonly long[] _rowPointers;
    private readonly int[] _blocks;

    /// <summary>
    /// Creates an index from its arrays (copied), e.g. to run the CPU reference on an index the GPU
    /// built. Checks the CSR structure and that every block lies in [0, ceil(N / 64)).
    /// </summary>
    /// <param name="sequenceLength">N, &gt;= 1.</param>
    /// <param name="batchSize">Batch elements, &gt;= 1.</param>
    /// <param name="heads">The query heads covered, distinct and &gt;= 0.</param>
    /// <param name="rowPointers">RowCount + 1 offsets into <paramref name="blocks"/>.</param>
    /// <param name="blocks">Key-block indices.</param>
    /// <exception cref="ArgumentException">A rule is broken; the message names the array.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public BlockSparseIndex(int sequenceLength, int batchSize, ReadOnlySpan<int> heads, ReadOnlySpan<long> rowPointers, ReadOnlySpan<int> blocks)
        : this(sequenceLength, batchSize, HeadLists.Validate(heads, int.MaxValue, nameof(heads)), rowPointers.ToArray(), blocks.ToArray())
    {
        CsrChecks.RequireRows(_rowPointers, _blocks.Length, RowCount, nameof(rowPointers));
        CsrChecks.RequireValuesInRange(_blocks, 0, QueryBlockCount, nameof(blocks));
    }

    internal BlockSparseIndex(int sequenceLength, int batchSize, int[] heads, long[] rowPointers, int[] blocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        SequenceLength = sequenceLength;
        BatchSize = batchSize;
        QueryBlockCount = SparseBlocks.Count(sequenceLength);
        _heads = heads;
        _rowPointers = rowPointers;
        _blocks = blocks;
    }

    /// <summary>N, the number of queries and keys.</summary>
    public int SequenceLength { get; }

    /// <summary>Batch elements.</summary>
    public int BatchSize { get; }

    /// <summary>The query heads covered, in slot order.</summary>
    public ReadOnlyMemory<int> Heads => _heads;

    /// <summary>Query blocks (and key blocks) per (batch, head): ceil(N / 64).</summary>
    public int QueryBlockCount { get; }

    /// <summary>Rows: batch · heads · query blocks.</summary>
    public int RowCount => BatchSize * _heads.Length * QueryBlockCount;

    /// <summary>CSR offsets into <see cref="Blocks"/>, <see cref="RowCount"/> + 1 entries.</summary>
    public ReadOnlyMemory<long> RowPointers => _rowPointers;

    /// <summary>Key-block indices, row after row.</summary>
    public ReadOnlyMemory<int> Blocks => _blocks;

    /// <summary>The row of one (batch, head slot, query block).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public int GetRow(int batch, int headSlot, int queryBlock) =>
        CsrChecks.Row(batch, BatchSize, headSlot, _heads.Length, queryBlock, QueryBlockCount);

    /// <summary>The key blocks of one (batch, head slot, query block).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public ReadOnlySpan<int> GetBlocks(int batch, int headSlot, int queryBlock) =>
        CsrChecks.RowValues(_blocks, _rowPointers, GetRow(batch, headSlot, queryBlock));
}

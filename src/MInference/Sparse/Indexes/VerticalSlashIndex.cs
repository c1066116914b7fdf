using MInference.Sparse.Estimation;

namespace MInference.Sparse.Indexes;

/// <summary>
/// What each 64-query block of each (batch, head) computes under Vertical-Slash: a list of 64-wide
/// key blocks (from the slashes) and a list of single key columns (the verticals no block covers).
/// This is the contract the GPU kernel consumes.
/// </summary>
/// <remarks>
/// <para>
/// Rows are the query blocks, flattened over [batch, head slot, query block] in that order:
/// row = (batch · heads + slot) · <see cref="QueryBlockCount"/> + queryBlock, where slot is the
/// head's position in <see cref="Heads"/> and query block qb covers queries [64·qb, 64·qb + 64) ∩ [0, N).
/// Both lists are in CSR form: row r's block starts are
/// <c>BlockStarts[BlockRowPointers[r] .. BlockRowPointers[r + 1])</c> and its columns are
/// <c>Columns[ColumnRowPointers[r] .. ColumnRowPointers[r + 1])</c>; both pointer arrays have
/// <see cref="RowCount"/> + 1 entries, start at 0 and never decrease.
/// </para>
/// <para>
/// A block start x means keys [x, x + 64); x need not be a multiple of 64, and the block may reach
/// past N or past the diagonal: attention masks key j &lt; N and j &lt;= i. Built by
/// <see cref="VerticalSlashIndexBuilder"/>, the starts of a row ascend, its blocks do not overlap,
/// its columns ascend, lie below 64·qb and outside every block of the row.
/// </para>
/// </remarks>
public sealed class VerticalSlashIndex
{
    /// <summary>Queries per query block and keys per key block.</summary>
    public const int BlockSize = SparseBlocks.Size;

    private readonly int[] _heads;
    private readonly long[] _blockRowPointers;
    private readonly int[] _blockStarts;
    private readonly long[] _columnRowPointers;
    private readonly int[] _columns;

    /// <summary>
    /// Creates an index from its arrays (copied), e.g. to run the CPU reference on an index the GPU
    /// built. Checks the CSR structure: pointer lengths, monotone pointers from 0 to the list lengths,
    /// block starts &gt;= 0 and columns in [0, N).
    /// </summary>
    /// <param name="sequenceLength">N, &gt;= 1.</param>
    /// <param name="batchSize">Batch elements, &gt;= 1.</param>
    /// <param name="heads">The query heads covered, distinct and &gt;= 0.</param>
    /// <param name="blockRowPointers">RowCount + 1 offsets into <paramref name="blockStarts"/>.</param>
    /// <param name="blockStarts">First key of each 64-wide key block.</param>
    /// <param name="columnRowPointers">RowCount + 1 offsets into <paramref name="columns"/>.</param>
    /// <param name="columns">Single key columns.</param>
    /// <exception cref="ArgumentException">A rule is broken; the message names the array and the row.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public VerticalSlashIndex(
        int sequenceLength,
        int batchSize,
        ReadOnlySpan<int> heads,
        ReadOnlySpan<long> blockRowPointers,
        ReadOnlySpan<int> blockStarts,
        ReadOnlySpan<long> columnRowPointers,
        ReadOnlySpan<int> columns)
        : this(sequenceLength, batchSize, HeadLists.Validate(heads, int.MaxValue, nameof(heads)),
              blockRowPointers.ToArray(), blockStarts.ToArray(), columnRowPointers.ToArray(), columns.ToArray())
    {
        CsrChecks.RequireRows(_blockRowPointers, _blockStarts.Length, RowCount, nameof(blockRowPointers));
        CsrChecks.RequireRows(_columnRowPointers, _columns.Length, RowCount, nameof(columnRowPointers));
        CsrChecks.RequireValuesInRange(_blockStarts, 0, int.MaxValue, nameof(blockStarts));
        CsrChecks.RequireValuesInRange(_columns, 0, sequenceLength, nameof(columns));
    }

    internal VerticalSlashIndex(
        int sequenceLength, int batchSize, int[] heads, long[] blockRowPointers, int[] blockStarts, long[] columnRowPointers, int[] columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        SequenceLength = sequenceLength;
        BatchSize = batchSize;
        QueryBlockCount = SparseBlocks.Count(sequenceLength);
        _heads = heads;
        _blockRowPointers = blockRowPointers;
        _blockStarts = blockStarts;
        _columnRowPointers = columnRowPointers;
        _columns = columns;
    }

    /// <summary>N, the number of queries and keys.</summary>
    public int SequenceLength { get; }

    /// <summary>Batch elements.</summary>
    public int BatchSize { get; }

    /// <summary>The query heads covered, in slot order.</summary>
    public ReadOnlyMemory<int> Heads => _heads;

    /// <summary>Query blocks per (batch, head): ceil(N / 64).</summary>
    public int QueryBlockCount { get; }

    /// <summary>Rows: batch · heads · query blocks.</summary>
    public int RowCount => BatchSize * _heads.Length * QueryBlockCount;

    /// <summary>CSR offsets into <see cref="BlockStarts"/>, <see cref="RowCount"/> + 1 entries.</summary>
    public ReadOnlyMemory<long> BlockRowPointers => _blockRowPointers;

    /// <summary>The first key of each 64-wide key block, row after row.</summary>
    public ReadOnlyMemory<int> BlockStarts => _blockStarts;

    /// <summary>CSR offsets into <see cref="Columns"/>, <see cref="RowCount"/> + 1 entries.</summary>
    public ReadOnlyMemory<long> ColumnRowPointers => _columnRowPointers;

    /// <summary>Single key columns, row after row.</summary>
    public ReadOnlyMemory<int> Columns => _columns;

    /// <summary>The row of one (batch, head slot, query block).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public int GetRow(int batch, int headSlot, int queryBlock) =>
        CsrChecks.Row(batch, BatchSize, headSlot, _heads.Length, queryBlock, QueryBlockCount);

    /// <summary>The key-block starts of one (batch, head slot, query block).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public ReadOnlySpan<int> GetBlockStarts(int batch, int headSlot, int queryBlock) =>
        CsrChecks.RowValues(_blockStarts, _blockRowPointers, GetRow(batch, headSlot, queryBlock));

    /// <summary>The single columns of one (batch, head slot, query block).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public ReadOnlySpan<int> GetColumns(int batch, int headSlot, int queryBlock) =>
        CsrChecks.RowValues(_columns, _columnRowPointers, GetRow(batch, headSlot, queryBlock));
}

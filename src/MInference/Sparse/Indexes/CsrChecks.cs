namespace MInference.Sparse.Indexes;

/// <summary>Row arithmetic and structural checks shared by the CSR-style sparse indexes.</summary>
internal static class CsrChecks
{
    /// <summary>row = (batch · heads + slot) · queryBlocks + queryBlock, after range checks.</summary>
    public static int Row(int batch, int batchSize, int headSlot, int headCount, int queryBlock, int queryBlockCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batch, batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(headSlot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(headSlot, headCount);
        ArgumentOutOfRangeException.ThrowIfNegative(queryBlock);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(queryBlock, queryBlockCount);
        return (((batch * headCount) + headSlot) * queryBlockCount) + queryBlock;
    }

    public static ReadOnlySpan<int> RowValues(int[] values, long[] rowPointers, int row) =>
        values.AsSpan((int)rowPointers[row], (int)(rowPointers[row + 1] - rowPointers[row]));

    /// <summary>Checks <paramref name="rowPointers"/>: <paramref name="rowCount"/> + 1 entries, from 0 up to <paramref name="valueCount"/>, never decreasing.</summary>
    /// <exception cref="ArgumentException">A rule is broken.</exception>
    public static void RequireRows(long[] rowPointers, int valueCount, int rowCount, string name)
    {
        if (rowPointers.Length != rowCount + 1)
        {
            throw new ArgumentException($"{name} holds {rowPointers.Length} offsets; expected rows + 1 = {rowCount + 1}", name);
        }

        if (rowPointers[0] != 0 || rowPointers[rowCount] != valueCount)
        {
            throw new ArgumentException(
                $"{name} runs from {rowPointers[0]} to {rowPointers[rowCount]}; expected 0 to {valueCount} (the number of values)", name);
        }

        for (int row = 0; row < rowCount; row++)
        {
            if (rowPointers[row + 1] < rowPointers[row])
            {
                throw new ArgumentException($"{name}[{row + 1}] = {rowPointers[row + 1]} is below {name}[{row}] = {rowPointers[row]}; expected offsets that never decrease", name);
            }
        }
    }

    /// <summary>Checks that every value lies in [<paramref name="minimum"/>, <paramref name="end"/>).</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public static void RequireValuesInRange(int[] values, int minimum, int end, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < minimum || values[i] >= end)
            {
                throw new ArgumentException($"{name}[{i}] = {values[i]}; expected a value in [{minimum}, {end})", name);
            }
        }
    }
}

using MInference.Sla;

namespace MInference.Tests.Sla;

/// <summary>
/// A device mask's CSR indices must list exactly its classes: every row its critical (negligible) key
/// blocks, ascending, at a fixed count per row; a causal row lists only blocks it sees (j ≤ i; the
/// blocks past its diagonal are negligible in the classes but listed nowhere), at its own count.
/// </summary>
internal static class SlaMaskIndexAssert
{
    public static void ListsTheClasses(SlaDeviceMask mask, SlaBlockMask[] classes) => Assert.Multiple(() =>
    {
        AssertIndex(mask.Critical, mask.IsCausal ? null : mask.CriticalBlocksPerRow, classes, SlaBlockClass.Critical, "critical");
        AssertIndex(mask.Negligible, mask.IsCausal ? null : mask.NegligibleBlocksPerRow, classes, SlaBlockClass.Negligible, "negligible");
    });

    /// <param name="perRow">Every row's count, or null for a causal mask (each row its own).</param>
    private static void AssertIndex(DeviceCsrIndex index, int? perRow, SlaBlockMask[] classes, SlaBlockClass listed, string name)
    {
        int blocks = classes[0].KeyBlocks;
        var rowPointers = new long[index.RowCount + 1];
        index.RowPointers.CopyToHost<long>(rowPointers);
        var values = new int[index.ValueCount];
        index.Values.CopyToHost<int>(values);
        Assert.That(index.RowCount, Is.EqualTo((long)classes.Length * blocks), $"{name}: one row per (batch, head, query block)");
        var expectedRows = new List<int[]>();
        for (int head = 0; head < classes.Length; head++)
        {
            for (int row = 0; row < blocks; row++)
            {
                int visible = perRow is null ? row + 1 : blocks;
                expectedRows.Add([.. Enumerable.Range(0, visible).Where(column => classes[head][row, column] == listed)]);
            }
        }

        long[] expectedPointers = [0, .. expectedRows.Select(row => (long)row.Length)];
        for (int r = 1; r < expectedPointers.Length; r++)
        {
            expectedPointers[r] += expectedPointers[r - 1];
        }

        if (perRow is int count)
        {
            Assert.That(expectedRows.Select(row => row.Length), Is.All.EqualTo(count), $"{name}: {count} entries per row");
        }

        Assert.That(rowPointers, Is.EqualTo(expectedPointers), $"{name}: row pointers");
        Assert.That(index.ValueCount, Is.EqualTo(expectedPointers[^1]), $"{name}: the index holds every row's entries");
        for (int r = 0; r < expectedRows.Count && rowPointers[r] <= rowPointers[r + 1] && rowPointers[r + 1] <= values.Length; r++)
        {
            Assert.That(values[(int)rowPointers[r]..(int)rowPointers[r + 1]], Is.EqualTo(expectedRows[r]), $"{name} blocks of (batch·H + head) {r / blocks}, query block {r % blocks}, ascending");
        }
    }
}

using MInference.Sla;

namespace MInference.Tests.Sla;

/// <summary>A device mask's CSR indices must list exactly its classes: every row its critical (negligible) key blocks, ascending, at a fixed count per row.</summary>
internal static class SlaMaskIndexAssert
{
    public static void ListsTheClasses(SlaDeviceMask mask, SlaBlockMask[] classes) => Assert.Multiple(() =>
    {
        AssertIndex(mask.Critical, mask.CriticalBlocksPerRow, classes, SlaBlockClass.Critical, "critical");
        AssertIndex(mask.Negligible, mask.NegligibleBlocksPerRow, classes, SlaBlockClass.Negligible, "negligible");
    });

    private static void AssertIndex(DeviceCsrIndex index, int perRow, SlaBlockMask[] classes, SlaBlockClass listed, string name)
    {
        int blocks = classes[0].KeyBlocks;
        var rowPointers = new long[index.RowCount + 1];
        index.RowPointers.CopyToHost<long>(rowPointers);
        var values = new int[index.ValueCount];
        index.Values.CopyToHost<int>(values);
        Assert.That(index.RowCount, Is.EqualTo((long)classes.Length * blocks), $"{name}: one row per (batch, head, query block)");
        Assert.That(rowPointers, Is.EqualTo(Enumerable.Range(0, rowPointers.Length).Select(r => (long)r * perRow).ToArray()), $"{name}: {perRow} entries per row");
        for (int head = 0; head < classes.Length; head++)
        {
            for (int row = 0; row < blocks; row++)
            {
                long first = (((long)head * blocks) + row) * perRow;
                int[] expected = [.. Enumerable.Range(0, blocks).Where(column => classes[head][row, column] == listed)];
                Assert.That(values[(int)first..(int)(first + perRow)], Is.EqualTo(expected), $"{name} blocks of (batch·H + head) {head}, query block {row}, ascending");
            }
        }
    }
}

using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;

namespace MInference.Tests.Sparse.Estimation;

public sealed class VerticalSlashIndexBuilderTests
{
    [Test]
    public void OnlyTheMainDiagonalGivesTheDiagonalBlockAndEarlierVerticals()
    {
        // N = 200: 4 query blocks. Verticals 5 and 70; the only slash is offset 0 (range [start_m, end_m)).
        VerticalSlashIndex index = Build(200, verticals: [5, 70], offsets: [0]);
        Assert.Multiple(() =>
        {
            Assert.That(index.QueryBlockCount, Is.EqualTo(4));
            Assert.That(Blocks(index), Is.EqualTo(new[] { new[] { 0 }, new[] { 64 }, new[] { 128 }, new[] { 192 } }));
            Assert.That(Columns(index), Is.EqualTo(new[] { Array.Empty<int>(), new[] { 5 }, new[] { 5, 70 }, new[] { 5, 70 } }),
                "block 0 covers 5 itself; block 1 covers 70 itself");
        });
    }

    [Test]
    public void NearbyDiagonalsMergeIntoOneRangeAndDistantOnesStartANewOne()
    {
        // Query block 10 (rows 640..703, end_m = 704) with offsets 300, 250, 0:
        //   300 -> keys [340, 404); 250 -> [390, 454): ends past 404 but within 64, so the range grows by
        //   one block to [340, 468); 0 -> [640, 704): starts past 468, so [340, 468) is flushed as 340, 404.
        // Verticals: 100 (before the range: a column), 350 (inside: dropped), 500 (in the gap: a column), 700 (inside).
        VerticalSlashIndex index = Build(704, verticals: [100, 350, 500, 700], offsets: [300, 250, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(index.GetBlockStarts(0, 0, 10).ToArray(), Is.EqualTo(new[] { 340, 404, 640 }));
            Assert.That(index.GetColumns(0, 0, 10).ToArray(), Is.EqualTo(new[] { 100, 500 }));
        });
    }

    [Test]
    public void OffsetsAtOrPastTheBlockEndAreSkippedAndRangesNearTheStartAreClampedTo64()
    {
        // Offset 100: skipped in query block 0 (end_m 64 <= 100); in block 1 (end_m 128) its range would be
        // [−36, 28), clamped to [0, 64); then offset 0 ends at 128 (not past 64 + 64), extending to [0, 128).
        VerticalSlashIndex index = Build(128, verticals: [], offsets: [100, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(index.GetBlockStarts(0, 0, 0).ToArray(), Is.EqualTo(new[] { 0 }));
            Assert.That(index.GetBlockStarts(0, 0, 1).ToArray(), Is.EqualTo(new[] { 0, 64 }));
        });
    }

    [Test]
    public void BlocksNeedNotBeAlignedAndMayReachPastN()
    {
        // N = 65, query block 1 (row 64 only; end_m = 128 is not clamped): offset 1 -> [63, 127), offset 0
        // ends at 128, one past: the range grows to [63, 191), blocks 63 and 127 (past N: masked by attention).
        VerticalSlashIndex index = Build(65, verticals: [], offsets: [1, 0]);
        Assert.That(index.GetBlockStarts(0, 0, 1).ToArray(), Is.EqualTo(new[] { 63, 127 }));
    }

    [TestCase(1, 1, 1, 5)]
    [TestCase(63, 40, 50, 5)]
    [TestCase(64, 64, 64, 5)]
    [TestCase(65, 30, 65, 5)]
    [TestCase(200, 60, 80, 5)]
    [TestCase(1000, 120, 150, 5)]
    [TestCase(1000, 31, 999, 5)]
    [TestCase(300, 4, 4, 200, Description = "few slashes: gaps, merges and extensions of every kind")]
    [TestCase(700, 10, 9, 200)]
    public void CoverageMatchesTheSetFormulationAndKeepsItsInvariants(int length, int verticalCount, int slashCount, int trials)
    {
        var random = new Random(length * 31 + verticalCount);
        for (int trial = 0; trial < trials; trial++)
        {
            int[] verticals = RandomSubset(random, length, Math.Min(verticalCount, length)).Order().ToArray();
            int[] offsets = RandomSubset(random, length - 1, Math.Min(slashCount, length) - 1).Select(o => o + 1).Append(0).OrderDescending().ToArray();
            VerticalSlashIndex index = Build(length, verticals, offsets);

            for (int queryBlock = 0; queryBlock < index.QueryBlockCount; queryBlock++)
            {
                int startM = queryBlock * 64;
                int lastRow = Math.Min(startM + 64, length) - 1;
                int[] blockStarts = index.GetBlockStarts(0, 0, queryBlock).ToArray();
                int[] columns = index.GetColumns(0, 0, queryBlock).ToArray();
                int[] covered = blockStarts.SelectMany(start => Enumerable.Range(start, 64)).Concat(columns)
                    .Where(key => key >= 0 && key <= lastRow).Distinct().Order().ToArray();
                string where = $"trial {trial}, query block {queryBlock}";

                Assert.That(covered, Is.EqualTo(VerticalSlashCoverageOracle.CoveredKeys(queryBlock, length, verticals, offsets)), where);
                var coveredSet = covered.ToHashSet();
                int[] missed = Enumerable.Range(startM, lastRow - startM + 1)
                    .SelectMany(row => VerticalSlashCoverageOracle.RequestedKeys(row, verticals, offsets))
                    .Where(key => !coveredSet.Contains(key)).ToArray();
                Assert.That(missed, Is.Empty, $"{where}: each row sees every key its diagonals and verticals ask for");

                Assert.That(columns, Is.Ordered.Ascending.And.Unique, where);
                Assert.That(columns, Is.All.LessThan(startM), $"{where}: columns lie before the block");
                Assert.That(columns, Is.SubsetOf(verticals), where);
                Assert.That(columns.Where(c => blockStarts.Any(start => c >= start && c < start + 64)), Is.Empty, $"{where}: no column inside a block");
                Assert.That(blockStarts.Zip(blockStarts.Skip(1), (a, b) => b - a), Is.All.GreaterThanOrEqualTo(64), $"{where}: blocks ascend without overlap");
                Assert.That(blockStarts, Is.All.InRange(0, startM + 63), $"{where}: blocks start before end_m");
            }
        }
    }

    [Test]
    public void EveryVerticalAndEveryOffsetCoverEveryCausalKey()
    {
        foreach (int length in new[] { 1, 63, 64, 65, 1000 })
        {
            VerticalSlashIndex index = Build(length, verticals: Enumerable.Range(0, length).ToArray(), offsets: Enumerable.Range(0, length).Reverse().ToArray());
            for (int queryBlock = 0; queryBlock < index.QueryBlockCount; queryBlock++)
            {
                int lastRow = Math.Min((queryBlock * 64) + 64, length) - 1;
                int[] covered = index.GetBlockStarts(0, 0, queryBlock).ToArray().SelectMany(start => Enumerable.Range(start, 64))
                    .Concat(index.GetColumns(0, 0, queryBlock).ToArray()).Where(key => key <= lastRow).Distinct().Order().ToArray();
                Assert.That(covered, Is.EqualTo(Enumerable.Range(0, lastRow + 1)), $"N = {length}, query block {queryBlock}");
            }
        }
    }

    [Test]
    public void RowsAreFlattenedOverBatchThenHeadThenQueryBlock()
    {
        // Batch 2, heads [3, 0], N = 130 (3 query blocks): 12 rows. Each (batch, head) gets different lists.
        int[] verticals = [1, 2, 3, 4];
        int[] offsets = [64, 0, 100, 0, 127, 0, 5, 0];
        var selection = new VerticalSlashSelection(130, 2, [3, 0], 1, verticals, 2, offsets);
        VerticalSlashIndex index = VerticalSlashIndexBuilder.Build(selection);

        Assert.Multiple(() =>
        {
            Assert.That(index.RowCount, Is.EqualTo(12));
            Assert.That(index.Heads.ToArray(), Is.EqualTo(new[] { 3, 0 }));
            Assert.That(index.BlockRowPointers.Length, Is.EqualTo(13));
            Assert.That(index.ColumnRowPointers.Length, Is.EqualTo(13));
            Assert.That(index.BlockRowPointers.Span[0], Is.Zero);
            Assert.That(index.BlockRowPointers.Span[12], Is.EqualTo(index.BlockStarts.Length));
            Assert.That(index.ColumnRowPointers.Span[12], Is.EqualTo(index.Columns.Length));
            for (int batch = 0; batch < 2; batch++)
            {
                for (int slot = 0; slot < 2; slot++)
                {
                    var single = new VerticalSlashSelection(130, 1, [7], 1, selection.GetVerticals(batch, slot), 2, selection.GetSlashOffsets(batch, slot));
                    VerticalSlashIndex alone = VerticalSlashIndexBuilder.Build(single);
                    for (int queryBlock = 0; queryBlock < 3; queryBlock++)
                    {
                        int row = index.GetRow(batch, slot, queryBlock);
                        Assert.That(row, Is.EqualTo((((batch * 2) + slot) * 3) + queryBlock));
                        long start = index.BlockRowPointers.Span[row];
                        long end = index.BlockRowPointers.Span[row + 1];
                        Assert.That(index.BlockStarts.Span[(int)start..(int)end].ToArray(), Is.EqualTo(alone.GetBlockStarts(0, 0, queryBlock).ToArray()));
                        Assert.That(index.GetColumns(batch, slot, queryBlock).ToArray(), Is.EqualTo(alone.GetColumns(0, 0, queryBlock).ToArray()));
                    }
                }
            }
        });
    }

    [Test]
    public void TheArrayConstructorChecksTheStructure()
    {
        VerticalSlashIndex built = Build(130, verticals: [1, 70], offsets: [40, 0]);
        var copy = new VerticalSlashIndex(130, 1, [0], built.BlockRowPointers.Span, built.BlockStarts.Span, built.ColumnRowPointers.Span, built.Columns.Span);
        Assert.Multiple(() =>
        {
            Assert.That(copy.BlockStarts.ToArray(), Is.EqualTo(built.BlockStarts.ToArray()));
            Assert.That(copy.GetColumns(0, 0, 2).ToArray(), Is.EqualTo(built.GetColumns(0, 0, 2).ToArray()));
            Assert.That(() => new VerticalSlashIndex(130, 1, [0], [0, 1], [0], [0, 0, 0, 0], []),
                Throws.ArgumentException.With.Message.StartsWith("blockRowPointers holds 2 offsets; expected rows + 1 = 4"));
            Assert.That(() => new VerticalSlashIndex(130, 1, [0], [0, 2, 1, 2], [0, 64], [0, 0, 0, 0], []),
                Throws.ArgumentException.With.Message.StartsWith("blockRowPointers[2] = 1 is below blockRowPointers[1] = 2"));
            Assert.That(() => new VerticalSlashIndex(130, 1, [0], [0, 0, 0, 1], [0], [0, 0, 0, 1], [130]),
                Throws.ArgumentException.With.Message.StartsWith("columns[0] = 130; expected a value in [0, 130)"));
            Assert.That(() => new VerticalSlashIndex(130, 1, [0], [0, 0, 0, 1], [-1], [0, 0, 0, 0], []),
                Throws.ArgumentException.With.Message.StartsWith("blockStarts[0] = -1"));
            Assert.That(() => new VerticalSlashIndex(130, 1, [0], [0, 0, 0, 2], [0], [0, 0, 0, 0], []),
                Throws.ArgumentException.With.Message.StartsWith("blockRowPointers runs from 0 to 2; expected 0 to 1"));
        });
    }

    private static VerticalSlashIndex Build(int length, int[] verticals, int[] offsets) =>
        VerticalSlashIndexBuilder.Build(new VerticalSlashSelection(length, 1, [0], verticals.Length, verticals, offsets.Length, offsets));

    private static int[][] Blocks(VerticalSlashIndex index) =>
        Enumerable.Range(0, index.QueryBlockCount).Select(qb => index.GetBlockStarts(0, 0, qb).ToArray()).ToArray();

    private static int[][] Columns(VerticalSlashIndex index) =>
        Enumerable.Range(0, index.QueryBlockCount).Select(qb => index.GetColumns(0, 0, qb).ToArray()).ToArray();

    private static IEnumerable<int> RandomSubset(Random random, int range, int count) =>
        Enumerable.Range(0, range).OrderBy(_ => random.Next()).Take(count);
}

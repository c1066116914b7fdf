using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Tests.Sparse.Prefill;

/// <summary>The closed forms of <see cref="SparseDensity"/> against counting every visible (query, key) pair.</summary>
public sealed class SparseDensityTests
{
    private static readonly int[] s_lengths = [1, 2, 63, 64, 65, 127, 128, 129, 200, 333];

    [TestCase(0, 0L)]
    [TestCase(1, 1L)]
    [TestCase(4, 10L)]
    [TestCase(1 << 20, 549756338176L)]
    public void CausalEntriesAreTheLowerTriangle(int length, long expected) =>
        Assert.That(SparseDensity.CausalEntries(length), Is.EqualTo(expected));

    [TestCase(0, 1)]
    [TestCase(0, 7)]
    [TestCase(3, 4)]
    [TestCase(4, 100)]
    [TestCase(40, 2)]
    [TestCase(2, 1000)]
    [TestCase(128, 64)]
    public void AShapeEntriesCountTheMask(int sinkTokens, int localWindow)
    {
        var pattern = new AShapePattern(sinkTokens, localWindow);
        Assert.Multiple(() =>
        {
            foreach (int length in s_lengths.Prepend(0))
            {
                long expected = 0;
                for (int query = 0; query < length; query++)
                {
                    for (int key = 0; key <= query; key++)
                    {
                        expected += AShapeMask.IsVisible(query, key, pattern) ? 1 : 0;
                    }
                }

                Assert.That(SparseDensity.AShapeEntries(length, pattern), Is.EqualTo(expected), $"N = {length}, {pattern}");
            }
        });
    }

    [Test]
    public void KeyBlockEntriesCountEveryStartIncludingUnalignedAndPastTheEnd()
    {
        Assert.Multiple(() =>
        {
            foreach (int length in s_lengths)
            {
                for (int queryBlock = 0; queryBlock < (length + 63) / 64; queryBlock++)
                {
                    for (int start = -70; start < length + 70; start++)
                    {
                        long expected = Rows(length, queryBlock).Sum(row =>
                            (long)Enumerable.Range(start, 64).Count(key => key >= 0 && key < length && key <= row));
                        Assert.That(SparseDensity.KeyBlockEntries(length, queryBlock, start), Is.EqualTo(expected), $"N = {length}, query block {queryBlock}, start {start}");
                    }
                }
            }
        });
    }

    [TestCase(200, 30, 50)]
    [TestCase(333, 4, 4)]
    [TestCase(700, 10, 9)]
    [TestCase(1000, 64, 256)]
    [TestCase(65, 30, 65)]
    public void VerticalSlashEntriesCountTheKeysEachRowSees(int length, int verticalCount, int slashCount)
    {
        var random = new Random((length * 31) + slashCount);
        VerticalSlashIndex index = RandomVerticalSlashIndex(random, length, verticalCount, slashCount, batch: 2, heads: 3);
        Assert.Multiple(() =>
        {
            for (int batch = 0; batch < index.BatchSize; batch++)
            {
                for (int slot = 0; slot < index.Heads.Length; slot++)
                {
                    long expected = 0;
                    for (int queryBlock = 0; queryBlock < index.QueryBlockCount; queryBlock++)
                    {
                        int[] starts = index.GetBlockStarts(batch, slot, queryBlock).ToArray();
                        int[] columns = index.GetColumns(batch, slot, queryBlock).ToArray();
                        foreach (int row in Rows(length, queryBlock))
                        {
                            expected += starts.SelectMany(start => Enumerable.Range(start, 64)).Concat(columns)
                                .Where(key => key < length && key <= row).Distinct().Count();
                        }
                    }

                    Assert.That(SparseDensity.VerticalSlashEntries(index, batch, slot), Is.EqualTo(expected), $"batch {batch}, slot {slot}");
                }
            }
        });
    }

    [TestCase(200, 30, 50)]
    [TestCase(333, 4, 4)]
    [TestCase(700, 10, 9)]
    [TestCase(1000, 64, 256)]
    [TestCase(65, 30, 65)]
    [TestCase(4096, 100, 300)]
    public void TheCountBoundOfAVerticalSlashRowIsExactUpToTheDiagonalBlocksOffset(int length, int verticalCount, int slashCount)
    {
        var random = new Random((length * 17) + verticalCount);
        VerticalSlashIndex index = RandomVerticalSlashIndex(random, length, verticalCount, slashCount, batch: 1, heads: 4);
        Assert.Multiple(() =>
        {
            for (int slot = 0; slot < index.Heads.Length; slot++)
            {
                for (int queryBlock = 0; queryBlock < index.QueryBlockCount; queryBlock++)
                {
                    int[] starts = index.GetBlockStarts(0, slot, queryBlock).ToArray();
                    int columns = index.GetColumns(0, slot, queryBlock).Length;
                    long exact = starts.Sum(start => SparseDensity.KeyBlockEntries(length, queryBlock, start))
                        + SparseDensity.ColumnEntries(length, queryBlock, columns);
                    long bound = SparseDensity.VerticalSlashRowEntriesBound(length, queryBlock, starts.Length, columns);
                    int offset = starts[^1] - (queryBlock * 64);
                    string where = $"slot {slot}, query block {queryBlock}, last start {starts[^1]}";
                    Assert.That(offset, Is.InRange(0, 63), $"{where}: the last block starts in the query block");
                    Assert.That(bound, Is.InRange(exact, exact + (offset * (long)Rows(length, queryBlock).Length)), where);
                    if (offset == 0)
                    {
                        Assert.That(bound, Is.EqualTo(exact), where);
                    }
                }
            }
        });
    }

    [TestCase(64, 1)]
    [TestCase(65, 2)]
    [TestCase(700, 3)]
    [TestCase(1000, 100)]
    public void BlockSparseEntriesCountTheKeysEachRowSeesAndFollowFromTheBlockCount(int length, int topK)
    {
        var operands = new SparseOperands(batch: 2, heads: 4, kvHeads: 2, length, headDim: 8, seed: length + topK);
        BlockSparseIndex index = BlockSparseEstimation.Estimate(operands.Q, operands.K, [3, 0], new BlockSparsePattern(topK));
        Assert.Multiple(() =>
        {
            for (int batch = 0; batch < index.BatchSize; batch++)
            {
                for (int slot = 0; slot < index.Heads.Length; slot++)
                {
                    long expected = 0;
                    long fromCounts = 0;
                    for (int queryBlock = 0; queryBlock < index.QueryBlockCount; queryBlock++)
                    {
                        int[] blocks = index.GetBlocks(batch, slot, queryBlock).ToArray();
                        expected += Rows(length, queryBlock).Sum(row =>
                            (long)blocks.SelectMany(block => Enumerable.Range(block * 64, 64)).Count(key => key < length && key <= row));
                        fromCounts += SparseDensity.BlockSparseRowEntries(length, queryBlock, blocks.Length);
                    }

                    Assert.That(SparseDensity.BlockSparseEntries(index, batch, slot), Is.EqualTo(expected), $"batch {batch}, slot {slot}");
                    Assert.That(fromCounts, Is.EqualTo(expected), $"batch {batch}, slot {slot}: from the block counts");
                }
            }
        });
    }

    [Test]
    public void EveryVerticalAndEveryOffsetIsDense()
    {
        foreach (int length in new[] { 1, 65, 1000 })
        {
            var selection = new VerticalSlashSelection(
                length, 1, [0], length, Enumerable.Range(0, length).ToArray(), length, Enumerable.Range(0, length).Reverse().ToArray());
            VerticalSlashIndex index = VerticalSlashIndexBuilder.Build(selection);
            Assert.That(SparseDensity.VerticalSlashEntries(index, 0, 0), Is.EqualTo(SparseDensity.CausalEntries(length)), $"N = {length}");
        }
    }

    private static int[] Rows(int length, int queryBlock) =>
        Enumerable.Range(queryBlock * 64, Math.Min(64, length - (queryBlock * 64))).ToArray();

    /// <summary>An index of random verticals and slash offsets (offset 0 always), as the builder's tests draw them.</summary>
    private static VerticalSlashIndex RandomVerticalSlashIndex(Random random, int length, int verticalCount, int slashCount, int batch, int heads)
    {
        int verticals = Math.Min(verticalCount, length);
        int slashes = Math.Min(slashCount, length);
        var verticalLists = new List<int>();
        var slashLists = new List<int>();
        for (int list = 0; list < batch * heads; list++)
        {
            verticalLists.AddRange(Enumerable.Range(0, length).OrderBy(_ => random.Next()).Take(verticals).Order());
            slashLists.AddRange(Enumerable.Range(1, length - 1).OrderBy(_ => random.Next()).Take(slashes - 1).Append(0).OrderDescending());
        }

        var selection = new VerticalSlashSelection(
            length, batch, Enumerable.Range(0, heads).ToArray(), verticals, verticalLists.ToArray(), slashes, slashLists.ToArray());
        return VerticalSlashIndexBuilder.Build(selection);
    }
}

using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;

namespace MInference.Tests.Sparse.Estimation;

public sealed class BlockSparseEstimationTests
{
    [Test]
    public void KeepsBlockZeroTheDiagonalAndTheBestPooledScores()
    {
        // N = 200: blocks of 64, 64, 64 and 8 tokens. D = 1, q = 1, k constant per block: 0, 3, 1, 2.
        // Pooled scores of query block 3 are [0, 3, 1, 2]: top 3 = forced 0 and 3, then block 1.
        (ReadOnlyHostTensor q, ReadOnlyHostTensor k) = ConstantPerBlock(200, [0, 3, 1, 2]);
        BlockSparseIndex index = BlockSparseEstimation.Estimate(q, k, [0], new BlockSparsePattern(3));
        Assert.Multiple(() =>
        {
            Assert.That(index.QueryBlockCount, Is.EqualTo(4));
            Assert.That(Rows(index), Is.EqualTo(new[] { new[] { 0 }, new[] { 0, 1 }, new[] { 0, 1, 2 }, new[] { 0, 1, 3 } }));
        });
    }

    [Test]
    public void ForcedBlocksWinOverBetterScoresAndAreKeptEvenWithTopKOne()
    {
        // Block 1 scores highest everywhere, but with top_k = 2 the forced blocks fill every row; with
        // top_k = 1 a row past the first still keeps both forced blocks.
        (ReadOnlyHostTensor q, ReadOnlyHostTensor k) = ConstantPerBlock(256, [0, 9, 1, 2]);
        Assert.Multiple(() =>
        {
            Assert.That(Rows(BlockSparseEstimation.Estimate(q, k, [0], new BlockSparsePattern(2))),
                Is.EqualTo(new[] { new[] { 0 }, new[] { 0, 1 }, new[] { 0, 2 }, new[] { 0, 3 } }));
            Assert.That(Rows(BlockSparseEstimation.Estimate(q, k, [0], new BlockSparsePattern(1))),
                Is.EqualTo(new[] { new[] { 0 }, new[] { 0, 1 }, new[] { 0, 2 }, new[] { 0, 3 } }));
            Assert.That(Rows(BlockSparseEstimation.Estimate(q, k, [0], new BlockSparsePattern(100))),
                Is.EqualTo(new[] { new[] { 0 }, new[] { 0, 1 }, new[] { 0, 1, 2 }, new[] { 0, 1, 2, 3 } }), "top_k >= blocks keeps every causal block");
        });
    }

    [Test]
    public void TiesGoToTheSmallerBlock()
    {
        (ReadOnlyHostTensor q, ReadOnlyHostTensor k) = ConstantPerBlock(64 * 6, [0, 0, 0, 0, 0, 0]);
        BlockSparseIndex index = BlockSparseEstimation.Estimate(q, k, [0], new BlockSparsePattern(4));
        Assert.That(index.GetBlocks(0, 0, 5).ToArray(), Is.EqualTo(new[] { 0, 1, 2, 5 }));
    }

    [Test]
    public void TheLastBlockAveragesOnlyItsRealTokens()
    {
        // N = 130: the last block holds tokens 128 and 129 with k = 10 and −4: mean 3 (not 6 / 64).
        var kValues = new float[130];
        kValues[128] = 10;
        kValues[129] = -4;
        var q = new ReadOnlyHostTensor(Enumerable.Repeat(2f, 130).ToArray(), TensorLayout.Bhsd(1, 1, 130, 1));
        var k = new ReadOnlyHostTensor(kValues, TensorLayout.Bhsd(1, 1, 130, 1));

        double[] scores = BlockSparseEstimation.PooledScores(q, k, batch: 0, head: 0);
        Assert.Multiple(() =>
        {
            Assert.That(scores, Has.Length.EqualTo(9));
            Assert.That(scores[(2 * 3) + 2], Is.EqualTo(6), "2 · mean(10, −4)");
            Assert.That(scores[(2 * 3) + 0], Is.Zero);
            Assert.That(scores[(0 * 3) + 1], Is.EqualTo(double.NegativeInfinity), "key block 1 is after query block 0");
            Assert.That(scores[(1 * 3) + 2], Is.EqualTo(double.NegativeInfinity));
        });
    }

    [Test]
    public void PooledScoresAreDotProductsOfBlockMeans()
    {
        var operands = new SparseOperands(1, 2, 1, 150, 8, seed: 4);
        double[] scores = BlockSparseEstimation.PooledScores(operands.Q, operands.K, 0, 1);
        double[] qMean = BlockMean(operands.QValues, head: 1, heads: 2, block: 2, length: 150, dim: 8);
        double[] kMean = BlockMean(operands.KValues, head: 0, heads: 1, block: 1, length: 150, dim: 8);
        Assert.That(scores[(2 * 3) + 1], Is.EqualTo(qMean.Zip(kMean, (a, b) => a * b).Sum()).Within(1e-12));
    }

    [Test]
    public void AHeadListOverABatchWithGroupedKeyValueHeadsMatchesSingleHeadRuns()
    {
        var operands = new SparseOperands(batch: 2, heads: 4, kvHeads: 2, length: 333, headDim: 8, seed: 8);
        var pattern = new BlockSparsePattern(3);
        BlockSparseIndex index = BlockSparseEstimation.Estimate(operands.Q, operands.K, [2, 0], pattern);
        Assert.Multiple(() =>
        {
            Assert.That(index.RowCount, Is.EqualTo(2 * 2 * 6));
            Assert.That(index.RowPointers.Length, Is.EqualTo(25));
            Assert.That(index.RowPointers.Span[24], Is.EqualTo(index.Blocks.Length));
            foreach ((int batch, int slot, int head, int kvHead) in new[] { (0, 0, 2, 1), (0, 1, 0, 0), (1, 0, 2, 1), (1, 1, 0, 0) })
            {
                BlockSparseIndex single = BlockSparseEstimation.Estimate(
                    VerticalSlashEstimationTests.Slice(operands.QValues, 4, batch, head, 333, 8),
                    VerticalSlashEstimationTests.Slice(operands.KValues, 2, batch, kvHead, 333, 8), [0], pattern);
                for (int queryBlock = 0; queryBlock < 6; queryBlock++)
                {
                    Assert.That(index.GetRow(batch, slot, queryBlock), Is.EqualTo((((batch * 2) + slot) * 6) + queryBlock));
                    Assert.That(index.GetBlocks(batch, slot, queryBlock).ToArray(), Is.EqualTo(single.GetBlocks(0, 0, queryBlock).ToArray()),
                        $"batch {batch}, head {head}, query block {queryBlock}");
                }
            }
        });
    }

    [Test]
    public void TheArrayConstructorChecksTheStructure()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new BlockSparseIndex(100, 1, [3], [0, 1, 3], [0, 0, 1]).GetBlocks(0, 0, 1).ToArray(), Is.EqualTo(new[] { 0, 1 }));
            Assert.That(() => new BlockSparseIndex(100, 1, [3], [0, 1, 3], [0, 0, 2]),
                Throws.ArgumentException.With.Message.StartsWith("blocks[2] = 2; expected a value in [0, 2)"));
            Assert.That(() => new BlockSparseIndex(100, 1, [3], [0, 1], [0]),
                Throws.ArgumentException.With.Message.StartsWith("rowPointers holds 2 offsets; expected rows + 1 = 3"));
        });
    }

    /// <summary>D = 1 operands: q = 1 everywhere, k equal to <paramref name="blockValues"/>[b] on block b.</summary>
    private static (ReadOnlyHostTensor Q, ReadOnlyHostTensor K) ConstantPerBlock(int length, float[] blockValues)
    {
        float[] k = Enumerable.Range(0, length).Select(token => blockValues[token / 64]).ToArray();
        return (new ReadOnlyHostTensor(Enumerable.Repeat(1f, length).ToArray(), TensorLayout.Bhsd(1, 1, length, 1)),
            new ReadOnlyHostTensor(k, TensorLayout.Bhsd(1, 1, length, 1)));
    }

    private static double[] BlockMean(float[] values, int head, int heads, int block, int length, int dim)
    {
        int end = Math.Min((block + 1) * 64, length);
        return Enumerable.Range(0, dim)
            .Select(d => Enumerable.Range(block * 64, end - (block * 64)).Average(token => (double)values[((head * length) + token) * dim + d]))
            .ToArray();
    }

    private static int[][] Rows(BlockSparseIndex index) =>
        Enumerable.Range(0, index.QueryBlockCount).Select(qb => index.GetBlocks(0, 0, qb).ToArray()).ToArray();
}

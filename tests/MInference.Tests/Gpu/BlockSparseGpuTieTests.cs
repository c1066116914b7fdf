using MInference.Sparse.Estimation;
using MInference.Sparse.Gpu;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// The GPU block-sparse estimation against <see cref="BlockSparseEstimation"/> on inputs whose
/// pooled scores are exact in fp32 as in double, so the two rankings agree to the last tie and the
/// indices must be equal: queries and keys are integers in {-1, 0, 1} (block means are i / 64,
/// N a multiple of 64, and every partial dot product a multiple of 1/4096 below 2^19), and each
/// key block repeats one of a few patterns, so equal scores meet at the top-k threshold and the
/// tie rule (the smaller block wins) decides. Rows past 128 blocks span several 64-block score
/// tiles, and top-k 100 of 200 blocks runs the select's radix passes on long rows.
/// </summary>
public sealed class BlockSparseGpuTieTests : GpuFixture
{
    private const int KeyPatterns = 6;
    private static readonly int[] Heads = [6, 1, 2];

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return Case(DType.BFloat16, 64, 1, 40, 5, expectTies: true);
        yield return Case(DType.Float16, 128, 2, 150, 20, expectTies: true);
        yield return Case(DType.BFloat16, 64, 1, 200, 100, expectTies: true);
        yield return Case(DType.Float16, 64, 1, 129, 1, expectTies: false);      // forced blocks only
        yield return Case(DType.BFloat16, 128, 1, 130, 130, expectTies: false);  // every block

        static TestCaseData Case(DType dtype, int headDim, int batch, int blocks, int topK, bool expectTies) =>
            new TestCaseData(dtype, headDim, batch, blocks, topK, expectTies)
                .SetArgDisplayNames($"{dtype} D{headDim} B{batch} blocks{blocks} top{topK}");
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheCpuEstimationExactly(DType dtype, int headDim, int batch, int blocks, int topK, bool expectTies)
    {
        int n = blocks * BlockSparseIndex.BlockSize;
        var random = new Random(RandomValues.StableSeed($"block-sparse-gpu-ties {dtype} {headDim} {batch} {blocks} {topK}"));
        TensorLayout queryLayout = TensorLayout.Bhsd(batch, 8, n, headDim);
        TensorLayout keyLayout = TensorLayout.Bhsd(batch, 2, n, headDim);
        var q = new float[queryLayout.RequiredElementCount];
        for (int i = 0; i < q.Length; i++)
        {
            q[i] = random.Next(-1, 2);
        }

        var patterns = new float[KeyPatterns * BlockSparseIndex.BlockSize * headDim];
        for (int i = 0; i < patterns.Length; i++)
        {
            patterns[i] = random.Next(-1, 2);
        }

        // Keys [batch, 2, n, headDim], contiguous: block b of each (batch, kv head) is one pattern.
        var k = new float[keyLayout.RequiredElementCount];
        int patternLength = BlockSparseIndex.BlockSize * headDim;
        for (int block = 0; block < k.Length / patternLength; block++)
        {
            Array.Copy(patterns, random.Next(KeyPatterns) * patternLength, k, block * patternLength, patternLength);
        }

        var qBits = new ushort[q.Length];
        var kBits = new ushort[k.Length];
        HalfPrecision.Encode(q, qBits, dtype);
        HalfPrecision.Encode(k, kBits, dtype);
        var queryTensor = new ReadOnlyHostTensor(q, queryLayout);
        var keyTensor = new ReadOnlyHostTensor(k, keyLayout);
        var pattern = new BlockSparsePattern(topK);
        BlockSparseIndex expected = BlockSparseEstimation.Estimate(queryTensor, keyTensor, Heads, pattern);

        using DeviceBuffer qBuffer = Upload<ushort>(qBits);
        using DeviceBuffer kBuffer = Upload<ushort>(kBits);
        using DeviceCsrIndex index = BlockSparseGpu.Estimate(
            Context, new DeviceTensor(qBuffer, dtype, queryLayout), new DeviceTensor(kBuffer, dtype, keyLayout), Heads, pattern);
        Context.Synchronize();
        var rowPointers = new long[index.RowCount + 1];
        index.RowPointers.CopyToHost<long>(rowPointers);
        var values = new int[index.ValueCount];
        index.Values.CopyToHost<int>(values);

        Assert.That(rowPointers, Is.EqualTo(expected.RowPointers.ToArray()), "row lengths are min(max(top_k, 2), block + 1)");
        Assert.That(values, Is.EqualTo(expected.Blocks.ToArray()), "exact scores: the same blocks, ties to the smaller block");
        if (expectTies)
        {
            Assert.That(RowsWithTiesAtTheThreshold(queryTensor, keyTensor, expected), Is.GreaterThan(0), "the data exercises the tie rule");
        }
    }

    /// <summary>Rows in which a dropped candidate scores exactly as the worst kept one.</summary>
    private static int RowsWithTiesAtTheThreshold(ReadOnlyHostTensor q, ReadOnlyHostTensor k, BlockSparseIndex index)
    {
        int rows = 0;
        for (int batch = 0; batch < index.BatchSize; batch++)
        {
            for (int slot = 0; slot < Heads.Length; slot++)
            {
                double[] scores = BlockSparseEstimation.PooledScores(q, k, batch, Heads[slot]);
                int blocks = index.QueryBlockCount;
                for (int queryBlock = 0; queryBlock < blocks; queryBlock++)
                {
                    int[] kept = index.GetBlocks(batch, slot, queryBlock).ToArray();
                    double[] ranked = kept.Where(b => b != 0 && b != queryBlock).Select(b => scores[(queryBlock * blocks) + b]).ToArray();
                    if (ranked.Length == 0)
                    {
                        continue;
                    }

                    double threshold = ranked.Min();
                    bool tie = Enumerable.Range(1, Math.Max(queryBlock - 1, 0))
                        .Any(b => Array.IndexOf(kept, b) < 0 && scores[(queryBlock * blocks) + b] == threshold);
                    rows += tie ? 1 : 0;
                }
            }
        }

        return rows;
    }
}

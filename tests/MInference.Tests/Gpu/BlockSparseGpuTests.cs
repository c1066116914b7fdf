using MInference.Sparse.Estimation;
using MInference.Sparse.Gpu;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// The GPU block-sparse estimation against <see cref="BlockSparseEstimation"/> on the same rounded
/// inputs. Pooled scores are fp32 sums on the GPU and doubles on the CPU, so two blocks whose CPU
/// scores agree to ~1e-4 relative may swap ranks; a row may differ only in such near-ties.
/// </summary>
public sealed class BlockSparseGpuTests : GpuFixture
{
    private const double NearTie = 1e-4;
    private static readonly int[] Heads = [6, 1, 2];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (DType dtype in new[] { DType.BFloat16, DType.Float16 })
        {
            foreach (int headDim in AttentionHeadDims.Supported)
            {
                foreach ((int batch, int n, int topK) in new[] { (1, 1, 1), (1, 65, 1), (2, 1000, 4), (1, 4096, 20) })
                {
                    yield return new TestCaseData(dtype, headDim, batch, n, topK).SetArgDisplayNames($"{dtype} D{headDim} B{batch} N{n} top{topK}");
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheCpuEstimation(DType dtype, int headDim, int batch, int n, int topK)
    {
        int seed = RandomValues.StableSeed($"block-sparse-gpu {dtype} {headDim} {batch} {n} {topK}");
        var random = new Random(seed);
        TensorLayout queryLayout = TensorLayout.Bhsd(batch, 8, n, headDim);
        TensorLayout keyLayout = TensorLayout.Bhsd(batch, 2, n, headDim);
        (ushort[] qBits, float[] q) = RandomValues.NormalRoundedTo(dtype, queryLayout.RequiredElementCount, random);
        (ushort[] kBits, float[] k) = RandomValues.NormalRoundedTo(dtype, keyLayout.RequiredElementCount, random);
        var pattern = new BlockSparsePattern(topK);
        BlockSparseIndex expected = BlockSparseEstimation.Estimate(new ReadOnlyHostTensor(q, queryLayout), new ReadOnlyHostTensor(k, keyLayout), Heads, pattern);

        using DeviceBuffer qBuffer = Upload<ushort>(qBits);
        using DeviceBuffer kBuffer = Upload<ushort>(kBits);
        using DeviceCsrIndex index = BlockSparseGpu.Estimate(
            Context, new DeviceTensor(qBuffer, dtype, queryLayout), new DeviceTensor(kBuffer, dtype, keyLayout), Heads, pattern);
        Context.Synchronize();
        var rowPointers = new long[index.RowCount + 1];
        index.RowPointers.CopyToHost<long>(rowPointers);
        var blocks = new int[index.ValueCount];
        index.Values.CopyToHost<int>(blocks);

        Assert.That(rowPointers, Is.EqualTo(expected.RowPointers.ToArray()), "row lengths are min(top_k, block + 1)");
        var queryTensor = new ReadOnlyHostTensor(q, queryLayout);
        var keyTensor = new ReadOnlyHostTensor(k, keyLayout);
        int mismatches = 0;
        for (int b = 0; b < batch; b++)
        {
            for (int slot = 0; slot < Heads.Length; slot++)
            {
                double[]? scores = null;
                for (int block = 0; block < expected.QueryBlockCount; block++)
                {
                    int row = expected.GetRow(b, slot, block);
                    int[] gpu = blocks[(int)rowPointers[row]..(int)rowPointers[row + 1]];
                    int[] cpu = expected.GetBlocks(b, slot, block).ToArray();
                    if (gpu.SequenceEqual(cpu))
                    {
                        continue;
                    }

                    mismatches++;
                    scores ??= BlockSparseEstimation.PooledScores(queryTensor, keyTensor, b, Heads[slot]);
                    AssertNearTie(scores, expected.QueryBlockCount, block, gpu, cpu, $"batch {b}, head {Heads[slot]}, block {block}");
                }
            }
        }

        TestContext.Out.WriteLine($"{mismatches} rows differ by near-ties");
    }

    private static void AssertNearTie(double[] scores, int blocks, int queryBlock, int[] gpu, int[] cpu, string where)
    {
        double Score(int keyBlock) => scores[(queryBlock * blocks) + keyBlock];
        double threshold = cpu.Where(block => block != 0 && block != queryBlock).Select(Score).DefaultIfEmpty(double.PositiveInfinity).Min();
        foreach (int block in gpu.Except(cpu).Concat(cpu.Except(gpu)))
        {
            Assert.That(
                Math.Abs(Score(block) - threshold),
                Is.LessThanOrEqualTo(NearTie * Math.Max(1, Math.Abs(threshold))),
                $"{where}: GPU kept [{string.Join(", ", gpu)}], CPU kept [{string.Join(", ", cpu)}]; block {block} scores {Score(block)} vs the CPU's k-th best {threshold}");
        }
    }
}

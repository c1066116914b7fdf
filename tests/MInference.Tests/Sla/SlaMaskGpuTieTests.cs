using MInference.Sla;
using MInference.Tests.Gpu;
using MInference.Tests.Support;

namespace MInference.Tests.Sla;

/// <summary>
/// SLA's mask prediction on the GPU against <see cref="SlaBlockMask.Predict"/> on inputs whose pooled
/// scores are exact in TF32 and fp32 as in double, so the masks must be equal to the last tie: queries
/// and keys are integers in {-1, 0, 1} and N a multiple of 64, so block means are i / 64 (7
/// significant bits, within TF32's 11) and every partial dot product a multiple of 1/4096 below 2^19.
/// Key blocks repeat a few patterns, so equal scores meet at the critical and negligible thresholds
/// and the tie rule (the smaller key block ranks first) decides. With one pattern every score of a
/// row ties: the first blocks are critical and the last negligible, smooth-K or not (the mean key is
/// one value subtracted from identical blocks, however it rounds).
/// </summary>
public sealed class SlaMaskGpuTieTests : GpuFixture
{
    private const int Batch = 2, Heads = 2;

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return Case(DType.BFloat16, 64, blocks: 10, patterns: 1, critical: 0.3, negligible: 0.3, smooth: false);
        yield return Case(DType.Float16, 128, blocks: 10, patterns: 1, critical: 0.3, negligible: 0.3, smooth: true);
        yield return Case(DType.BFloat16, 96, blocks: 64, patterns: 1, critical: 0.05, negligible: 0.1, smooth: true);
        yield return Case(DType.Float16, 64, blocks: 40, patterns: 4, critical: 0.2, negligible: 0.2, smooth: false);
        yield return Case(DType.BFloat16, 128, blocks: 130, patterns: 5, critical: 0.1, negligible: 0.3, smooth: false);

        static TestCaseData Case(DType dtype, int headDim, int blocks, int patterns, double critical, double negligible, bool smooth) =>
            new TestCaseData(dtype, headDim, blocks, patterns, new SlaOptions { CriticalFraction = critical, NegligibleFraction = negligible, SmoothKeys = smooth })
                .SetArgDisplayNames($"{dtype} D{headDim} blocks{blocks} patterns{patterns} k_h {critical} k_l {negligible}{(smooth ? " smooth-K" : string.Empty)}");
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheCpuMaskExactly(DType dtype, int headDim, int blocks, int patterns, SlaOptions options)
    {
        int n = blocks * SlaOptions.BlockSize;
        var random = new Random(RandomValues.StableSeed($"sla-mask-ties {dtype} {headDim} {blocks} {patterns} {options}"));
        TensorLayout layout = TensorLayout.Bhsd(Batch, Heads, n, headDim);
        float[] q = [.. Enumerable.Range(0, (int)layout.ElementCount).Select(_ => (float)random.Next(-1, 2))];
        int blockLength = SlaOptions.BlockSize * headDim;
        float[][] keyPatterns = [.. Enumerable.Range(0, patterns).Select(_ => Enumerable.Range(0, blockLength).Select(_ => (float)random.Next(-1, 2)).ToArray())];
        var k = new float[q.Length];
        for (int block = 0; block < k.Length / blockLength; block++)
        {
            keyPatterns[random.Next(patterns)].CopyTo(k, block * blockLength);
        }

        using var operands = new SlaGpuOperands(Context, dtype, layout, q, k, v: q);
        using SlaDeviceMask mask = GpuSparseLinearAttention.PredictMask(Context, operands.Q, operands.K, options, keepClasses: true);
        SlaBlockMask[] gpu = mask.CopyClassesToHost();
        SlaMaskIndexAssert.ListsTheClasses(mask, gpu);
        int critical = options.CriticalBlocks(blocks), negligible = options.NegligibleBlocks(blocks);
        SlaBlockClass[] allTied = [.. Enumerable.Range(0, blocks).Select(j => j < critical ? SlaBlockClass.Critical : j >= blocks - negligible ? SlaBlockClass.Negligible : SlaBlockClass.Marginal)];
        int rowsWithTies = 0;
        for (int index = 0; index < gpu.Length; index++)
        {
            SlaHead head = operands.Head(index / Heads, index % Heads);
            SlaBlockMask cpu = SlaBlockMask.Predict(head, options);
            Assert.That(gpu[index].Classes.ToArray(), Is.EqualTo(cpu.Classes.ToArray()), $"(batch·H + head) {index}: exact scores, so the same classes, ties to the smaller block");
            if (patterns == 1)
            {
                Assert.That(gpu[index].Classes.ToArray(), Is.EqualTo(Enumerable.Range(0, blocks).SelectMany(_ => allTied).ToArray()), "every score ties: the first blocks critical, the last negligible");
            }

            rowsWithTies += RowsWithTiesAtAThreshold(cpu, new SlaPooledScores(head, options.SmoothKeys));
        }

        Assert.That(rowsWithTies, Is.GreaterThan(0), "the data exercises the tie rule");
    }

    /// <summary>Rows in which two blocks of different classes score exactly the same.</summary>
    private static int RowsWithTiesAtAThreshold(SlaBlockMask mask, SlaPooledScores scores)
    {
        int rows = 0;
        for (int row = 0; row < mask.QueryBlocks; row++)
        {
            bool tie = false;
            for (int a = 0; a < mask.KeyBlocks && !tie; a++)
            {
                for (int b = a + 1; b < mask.KeyBlocks && !tie; b++)
                {
                    tie = mask[row, a] != mask[row, b] && scores[row, a] == scores[row, b];
                }
            }

            rows += tie ? 1 : 0;
        }

        return rows;
    }
}

using MInference.Sla;
using MInference.Synthetic;
using MInference.Tests.Gpu;
using MInference.Tests.Support;

namespace MInference.Tests.Sla;

/// <summary>
/// SLA's mask prediction on the GPU against <see cref="SlaBlockMask.Predict"/> on the same rounded
/// inputs. The inputs plant a ranking: key block j is c_j·u plus noise and every query u plus noise
/// (u a ±1 vector per head, c_j a shuffled ladder 0.1 apart), so a row's pooled scores lie about
/// 0.1·D apart. The GPU multiplies pooled blocks in TF32 (10-bit mantissa, relative rounding 2^-11
/// per operand) with fp32 sums, the CPU in double: scores differ by about 1e-3 of Σ|q̄_c·k̄_c|, so a
/// row may only differ from the CPU's where two scores are that close. Each GPU row is checked
/// against the exact scores with that tolerance (it must hold the stated counts, and its critical
/// blocks must outscore its others and its negligible ones score below them, to the tolerance),
/// and its CSR rows must list exactly its classes, ascending.
/// </summary>
public sealed class SlaMaskGpuTests : GpuFixture
{
    /// <summary>TF32 rounds each operand to 2^-11 relative; two operands and fp32 pooling, doubled for margin.</summary>
    private const double RelativeScoreTolerance = 2e-3;
    private const int Batch = 2, Heads = 3;

    private static IEnumerable<TestCaseData> Cases()
    {
        (string Name, SlaOptions Options)[] variants =
        [
            ("k_h 5% k_l 10%", new SlaOptions()),
            ("all critical", new SlaOptions { CriticalFraction = 1.0, NegligibleFraction = 0.5 }),
            ("one critical block", new SlaOptions { CriticalFraction = 1e-9, NegligibleFraction = 0.3 }),
            ("no negligible", new SlaOptions { CriticalFraction = 0.25, NegligibleFraction = 0 }),
            ("causal k_h 5% k_l 10%", new SlaOptions { Causal = true }),
            ("causal k_h 30% k_l 20%", new SlaOptions { Causal = true, CriticalFraction = 0.3, NegligibleFraction = 0.2 }),
        ];
        int index = 0;
        foreach (int n in new[] { 1, 63, 64, 65, 1000, 4096 })
        {
            foreach (bool smooth in new[] { true, false })
            {
                foreach ((string name, SlaOptions options) in variants)
                {
                    int headDim = AttentionHeadDims.Supported[index % AttentionHeadDims.Supported.Count];
                    DType dtype = index % 2 == 0 ? DType.BFloat16 : DType.Float16;
                    index++;
                    yield return new TestCaseData(n, headDim, dtype, options with { SmoothKeys = smooth })
                        .SetArgDisplayNames($"N{n} D{headDim} {dtype} {name}{(smooth ? " smooth-K" : string.Empty)}");
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheCpuMaskUpToNearTies(int n, int headDim, DType dtype, SlaOptions options)
    {
        var random = new Random(RandomValues.StableSeed($"sla-mask {n} {headDim} {dtype} {options}"));
        using SlaGpuOperands operands = PlantedRanking(Context, dtype, TensorLayout.Bhsd(Batch, Heads, n, headDim), random);
        using SlaDeviceMask mask = GpuSparseLinearAttention.PredictMask(Context, operands.Q, operands.K, options, keepClasses: true);
        SlaBlockMask[] gpu = mask.CopyClassesToHost();
        int blocks = (n + 63) / 64, critical = options.CriticalBlocks(blocks), negligible = options.NegligibleBlocks(blocks);
        Assert.Multiple(() =>
        {
            Assert.That(mask.IsCausal, Is.EqualTo(options.Causal));
            Assert.That(mask.CriticalBlocksPerRow, Is.EqualTo(critical));
            Assert.That(mask.NegligibleBlocksPerRow, Is.EqualTo(negligible));
        });
        SlaMaskIndexAssert.ListsTheClasses(mask, gpu);

        int differingRows = 0;
        for (int index = 0; index < gpu.Length; index++)
        {
            SlaHead head = operands.Head(index / Heads, index % Heads);
            SlaBlockMask cpu = SlaBlockMask.Predict(head, options);
            var scores = new SlaPooledScores(head, options.SmoothKeys);
            for (int row = 0; row < blocks; row++)
            {
                SlaBlockClass[] gpuRow = Row(gpu[index], row), cpuRow = Row(cpu, row);
                if (!gpuRow.SequenceEqual(cpuRow))
                {
                    differingRows++;
                    AssertRankedUpToTolerance(gpuRow, scores, row, options, $"batch {index / Heads}, head {index % Heads}, query block {row}: CPU [{string.Join(", ", cpuRow)}]");
                }
            }
        }

        TestContext.Out.WriteLine($"{differingRows} rows differ from the CPU by near-ties");
    }

    [Test]
    public void ClassesAreOnlyKeptWhenAsked()
    {
        using SlaGpuOperands operands = SlaGpuOperands.Normal(Context, DType.BFloat16, TensorLayout.Bhsd(1, 1, 200, 64), new Random(5));
        using SlaDeviceMask mask = GpuSparseLinearAttention.PredictMask(Context, operands.Q, operands.K, new SlaOptions());
        Assert.Multiple(() =>
        {
            Assert.That(mask.HasClasses, Is.False);
            Assert.That(mask.CopyClassesToHost, Throws.InvalidOperationException.With.Message.Contains("keepClasses: true"));
        });
    }

    /// <summary>Queries u + noise, keys of block j c_j·u + noise: pooled scores ≈ c_j·D, 0.1·D apart in a shuffled order.</summary>
    private static SlaGpuOperands PlantedRanking(GpuContext context, DType dtype, TensorLayout layout, Random random)
    {
        int batch = (int)layout.Lengths[0], heads = (int)layout.Lengths[1], n = (int)layout.Lengths[2], d = (int)layout.Lengths[3];
        int blocks = (n + 63) / 64;
        var q = new float[layout.RequiredElementCount];
        var k = new float[q.Length];
        var v = new float[q.Length];
        var noise = new float[2];
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                float[] u = [.. Enumerable.Range(0, d).Select(_ => random.Next(2) == 0 ? -1f : 1f)];
                int[] ladder = [.. Enumerable.Range(0, blocks).OrderBy(_ => random.Next())];
                for (int t = 0; t < n; t++)
                {
                    float c = 0.1f * (ladder[t / 64] - ((blocks - 1) / 2f));
                    for (int e = 0; e < d; e++)
                    {
                        StandardNormal.Fill(random, noise);
                        long offset = layout.GetOffset(b, h, t, e);
                        q[offset] = u[e] + (0.25f * noise[0]);
                        k[offset] = (c * u[e]) + (0.25f * noise[1]);
                    }
                }
            }
        }

        StandardNormal.Fill(random, v);
        return new SlaGpuOperands(context, dtype, layout, q, k, v);
    }

    /// <summary>
    /// The row's ranked blocks (all, or causally those before the diagonal) split by score at the
    /// stated counts, to the tolerance; a causal row's diagonal is critical and its later blocks
    /// negligible.
    /// </summary>
    private static void AssertRankedUpToTolerance(SlaBlockClass[] gpuRow, SlaPooledScores scores, int row, SlaOptions options, string where)
    {
        int visible = options.VisibleBlocks(row, gpuRow.Length);
        int ranked = options.Causal ? row : gpuRow.Length;
        int critical = options.CriticalBlocks(visible) - (options.Causal ? 1 : 0), negligible = options.NegligibleBlocks(visible);
        double tolerance = RelativeScoreTolerance * scores.Magnitude(row);
        double[] Of(Func<SlaBlockClass, bool> select) => [.. Enumerable.Range(0, ranked).Where(j => select(gpuRow[j])).Select(j => scores[row, j])];
        double[] criticalScores = Of(cell => cell == SlaBlockClass.Critical), others = Of(cell => cell != SlaBlockClass.Critical);
        double[] negligibleScores = Of(cell => cell == SlaBlockClass.Negligible), kept = Of(cell => cell != SlaBlockClass.Negligible);
        string context = $"{where}, GPU [{string.Join(", ", gpuRow)}], scores [{string.Join(", ", Enumerable.Range(0, gpuRow.Length).Select(j => scores[row, j].ToString("G6")))}], tolerance {tolerance:G3}";
        Assert.Multiple(() =>
        {
            if (options.Causal)
            {
                Assert.That(gpuRow[row], Is.EqualTo(SlaBlockClass.Critical), $"the diagonal block; {context}");
                Assert.That(gpuRow[visible..], Is.All.EqualTo(SlaBlockClass.Negligible), $"the blocks past the diagonal; {context}");
            }

            Assert.That(criticalScores, Has.Length.EqualTo(critical), $"critical count; {context}");
            Assert.That(negligibleScores, Has.Length.EqualTo(negligible), $"negligible count; {context}");
            if (others.Length > 0)
            {
                Assert.That(criticalScores.Min(), Is.GreaterThanOrEqualTo(others.Max() - tolerance), $"a critical block scores below a non-critical one; {context}");
            }

            if (negligibleScores.Length > 0)
            {
                Assert.That(negligibleScores.Max(), Is.LessThanOrEqualTo(kept.Min() + tolerance), $"a negligible block scores above a kept one; {context}");
            }
        });
    }

    private static SlaBlockClass[] Row(SlaBlockMask mask, int row) => mask.Classes.Slice(row * mask.KeyBlocks, mask.KeyBlocks).ToArray();
}

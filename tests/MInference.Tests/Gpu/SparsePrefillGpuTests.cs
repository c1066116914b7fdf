using MInference.Prefill;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// <see cref="SparsePrefill"/> on the GPU: a mixed layer against the CPU reference run on the
/// indices the GPU built, the report it gives, and each dense fallback.
/// </summary>
public sealed class SparsePrefillGpuTests : GpuFixture
{
    /// <summary>No fallback, everything measured and kept.</summary>
    private static readonly SparsePrefillOptions s_everyHeadSparse = new()
    {
        CostModel = PrefillCostModel.SparseAlways,
        MaxDensity = 1,
        MeasureStepTimes = true,
        KeepIndices = true,
    };

    private static readonly int[] s_sparseHeads = [0, 1, 2, 3, 5, 6];

    [TestCaseSource(typeof(SparsePrefillCases), nameof(SparsePrefillCases.All))]
    public void AMixedLayerMatchesTheCpuReferenceOnTheGpuBuiltIndices(SparsePrefillCase testCase)
    {
        using var layer = new SparsePrefillLayer(Context, testCase, RandomValues.StableSeed(testCase.ToString()));

        SparsePrefillReport report = layer.Run(new SparsePrefill(s_everyHeadSparse), SparsePrefillCase.MixedLayer);

        Assert.Multiple(() =>
        {
            Assert.That(report.Groups.Select(group => group.Pattern), Is.EqualTo(new HeadPattern[]
            {
                SparsePrefillCase.VerticalSlash, SparsePrefillCase.AShape, SparsePrefillCase.BlockSparse, new DensePattern(),
            }));
            Assert.That(report.Groups.Select(group => group.Heads.ToArray()), Is.EqualTo(new[] { new[] { 0, 2, 6 }, new[] { 1, 5 }, new[] { 3 }, new[] { 4, 7 } }));
            Assert.That(report.AttentionLaunchCount, Is.EqualTo(4), "one launch per distinct pattern");
            Assert.That(report.Fallbacks, Is.Empty);
            Assert.That(report.DenseHeads.ToArray(), Is.EqualTo(new[] { 4, 7 }));
            Assert.That(report.DensityIsExact, Is.True, "kept indices are counted exactly");
            Assert.That(report.StepTimes?.AttentionMilliseconds, Is.GreaterThan(0));
            Assert.That(report.Groups[0].StepTimes?.EstimateMilliseconds, Is.GreaterThan(0), "vertical-slash estimation is timed");
            Assert.That(report.Groups[0].StepTimes?.IndexMilliseconds, Is.GreaterThan(0), "vertical-slash index conversion is timed");
            Assert.That(report.Groups[2].StepTimes?.EstimateMilliseconds, Is.GreaterThan(0), "block-sparse estimation is timed");
            AssertDensitiesMatchTheIndices(report, testCase);
        });
        layer.AssertMatches(layer.Download(), layer.Reference(report), testCase.ToString());
    }

    [TestCase(DType.BFloat16, 128)]
    [TestCase(DType.Float16, 64)]
    public void ALayerRunsFromAnMInferenceConfigFile(DType dtype, int headDim)
    {
        // The mixed layer written as MInference's JSON (head index → [pattern, a, b, score]), two layers, out of order.
        string json = """
            [
              {"7": ["dense", 0, 0, 0.9], "0": ["vertical_and_slash", 64, 256, 0.8], "1": ["stream_llm", 16, 256, 0.7], "2": ["vertical_and_slash", 64, 256, 0.6],
               "3": ["block_sparse", 4, 0, 0.5], "4": ["dense", 0, 0, 0.4], "5": ["stream_llm", 16, 256, 0.3], "6": ["vertical_and_slash", 64, 256, 0.2]},
              {"0": ["dense", 0, 0, 1], "1": ["dense", 0, 0, 1], "2": ["dense", 0, 0, 1], "3": ["dense", 0, 0, 1],
               "4": ["dense", 0, 0, 1], "5": ["dense", 0, 0, 1], "6": ["dense", 0, 0, 1], "7": ["dense", 0, 0, 1]}
            ]
            """;
        string path = Path.Combine(Path.GetTempPath(), $"minference-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        HeadPatternConfig config;
        try
        {
            config = HeadPatternConfig.Load(path, expectedLayerCount: 2, expectedHeadCount: SparsePrefillCase.QueryHeads);
        }
        finally
        {
            File.Delete(path);
        }

        var testCase = new SparsePrefillCase(dtype, headDim, Batch: 2, SequenceLength: 1000);
        using var layer = new SparsePrefillLayer(Context, testCase, seed: 21);
        SparsePrefillReport report = layer.Run(new SparsePrefill(s_everyHeadSparse), config.GroupHeadsByPattern(0));

        Assert.That(config.GetLayer(0).Select(entry => entry.Pattern), Is.EqualTo(SparsePrefillCase.MixedLayer));
        Assert.That(report.AttentionLaunchCount, Is.EqualTo(4), "one launch per distinct pattern of the file's layer");
        layer.AssertMatches(layer.Download(), layer.Reference(report), $"config file, {testCase}");
    }

    [Test]
    public void ShortSequencesRunEveryHeadDenseInOneLaunch()
    {
        var testCase = new SparsePrefillCase(DType.BFloat16, 128, Batch: 2, SequenceLength: 1000);
        using var layer = new SparsePrefillLayer(Context, testCase, seed: 11);
        var config = new HeadPatternConfig([SparsePrefillCase.MixedLayer.Select(pattern => new HeadPatternEntry(pattern, 1)).ToArray()]);

        SparsePrefillReport report = layer.Run(new SparsePrefill(), config.GroupHeadsByPattern(0));

        Assert.Multiple(() =>
        {
            Assert.That(report.Options.CostModel, Is.Null, "the default policy: the H100 cost model");
            Assert.That(report.Fallbacks.Select(fallback => fallback.Head), Is.EqualTo(s_sparseHeads));
            Assert.That(report.Fallbacks.Select(fallback => fallback.Reason), Is.All.EqualTo(DenseFallbackReason.PredictedSlower),
                "at 1000 tokens a launch costs more than a head's dense attention");
            Assert.That(report.DenseHeads.ToArray(), Is.EqualTo(Enumerable.Range(0, 8)));
            Assert.That(report.AttentionLaunchCount, Is.EqualTo(1));
            Assert.That(report.Density, Is.EqualTo(1));
            Assert.That(report.StepTimes, Is.Null, "not measured by default");
        });
        layer.AssertMatches(layer.Download(), layer.DenseReference(), "short sequence");
    }

    [Test]
    public void ADensityLimitOfZeroRunsEverySparseHeadDense()
    {
        var testCase = new SparsePrefillCase(DType.Float16, 64, Batch: 1, SequenceLength: 4096);
        using var layer = new SparsePrefillLayer(Context, testCase, seed: 12);

        SparsePrefillReport report = layer.Run(new SparsePrefill(s_everyHeadSparse with { MaxDensity = 0 }), SparsePrefillCase.MixedLayer);

        Assert.Multiple(() =>
        {
            Assert.That(report.Fallbacks.Select(fallback => fallback.Head), Is.EqualTo(s_sparseHeads));
            Assert.That(report.Fallbacks.Select(fallback => fallback.Reason), Is.All.EqualTo(DenseFallbackReason.DensityAboveLimit));
            Assert.That(report.Fallbacks.Select(fallback => fallback.PatternDensity), Is.All.InRange(double.Epsilon, 1.0));
            Assert.That(report.AttentionLaunchCount, Is.EqualTo(2), "the vertical-slash launch (its heads routed away on the device) and the dense one");
            Assert.That(report.Groups[0].SparseHeads.IsEmpty, Is.True, "the vertical-slash heads were estimated, then routed dense");
            Assert.That(report.Groups.Select(group => group.BlockSparseIndex), Is.All.Null, "no block-sparse index was estimated");
        });
        layer.AssertMatches(layer.Download(), layer.DenseReference(), "density limit 0");
    }

    [Test]
    public void HeadsAboveTheDensityLimitAreRoutedDenseOnTheDevice()
    {
        var testCase = new SparsePrefillCase(DType.BFloat16, 64, Batch: 2, SequenceLength: 4096);
        using var layer = new SparsePrefillLayer(Context, testCase, seed: 13);
        // Without index copies the report gives the densities the route weighs (the bound of mi_vs_route).
        SparsePrefillReport first = layer.Run(new SparsePrefill(s_everyHeadSparse with { KeepIndices = false }), SparsePrefillCase.MixedLayer);
        double[] verticalSlash = first.Groups[0].Densities.ToArray().Distinct().Order().ToArray();
        if (verticalSlash.Length < 2)
        {
            Assert.Inconclusive($"the vertical-slash heads have one density, {verticalSlash[0]}: no limit separates them");
        }

        // The estimation sums slash scores with float atomics, so a second run may resolve a near-tie
        // differently and move a density slightly: the limit splits the widest gap between densities.
        int gap = Enumerable.Range(1, verticalSlash.Length - 1).MaxBy(i => verticalSlash[i] - verticalSlash[i - 1]);
        double limit = (verticalSlash[gap - 1] + verticalSlash[gap]) / 2;
        Dictionary<int, double> densities = first.Groups.SelectMany(group => group.Heads.ToArray().Zip(group.Densities.ToArray())).ToDictionary();
        int[] expectedFallbacks = s_sparseHeads.Where(head => densities[head] > limit).ToArray();

        SparsePrefillReport report = layer.Run(new SparsePrefill(s_everyHeadSparse with { MaxDensity = limit }), SparsePrefillCase.MixedLayer);

        PatternGroupReport vsGroup = report.Groups[0];
        Assert.Multiple(() =>
        {
            Assert.That(report.Fallbacks.Select(fallback => fallback.Head), Is.EqualTo(expectedFallbacks), $"limit {limit}");
            Assert.That(report.Fallbacks.Select(fallback => fallback.PatternDensity!.Value), Is.EqualTo(expectedFallbacks.Select(head => densities[head])).Within(1e-3));
            Assert.That(vsGroup.SparseHeads.ToArray(), Is.Not.Empty.And.EqualTo(new[] { 0, 2, 6 }.Where(head => densities[head] <= limit)));
            Assert.That(vsGroup.VerticalSlashIndex!.Heads.ToArray(), Is.EqualTo(new[] { 0, 2, 6 }), "one index for the group; the route picks the heads");
            Assert.That(report.DenseHeads.ToArray(), Is.EqualTo(expectedFallbacks.Concat([4, 7]).Order()));
            AssertDensitiesMatchTheIndices(report, testCase);
        });
        layer.AssertMatches(layer.Download(), layer.Reference(report), $"density limit {limit}");
    }

    [Test]
    public void PatternsThatCoverEveryKeyGiveDenseAttention()
    {
        var testCase = new SparsePrefillCase(DType.Float16, 128, Batch: 2, SequenceLength: 1000);
        using var layer = new SparsePrefillLayer(Context, testCase, seed: 14);
        HeadPattern[] patterns = SparsePrefillCase.MixedLayer
            .Select(pattern => pattern switch
            {
                VerticalSlashPattern => new VerticalSlashPattern(1000, 1000),
                AShapePattern => new AShapePattern(0, 1000),
                BlockSparsePattern => new BlockSparsePattern(16),
                _ => pattern,
            })
            .ToArray();

        SparsePrefillReport report = layer.Run(new SparsePrefill(s_everyHeadSparse), patterns);

        Assert.Multiple(() =>
        {
            Assert.That(report.Groups.SelectMany(group => group.Densities.ToArray()), Is.All.EqualTo(1.0));
            Assert.That(report.Fallbacks, Is.Empty, "a density of 1 does not exceed the limit 1");
            Assert.That(report.AttentionLaunchCount, Is.EqualTo(4));
        });
        layer.AssertMatches(layer.Download(), layer.DenseReference(), "full coverage");
    }

    /// <summary>Each head's reported density against a count on the index copy (or the A-shape closed form).</summary>
    private static void AssertDensitiesMatchTheIndices(SparsePrefillReport report, SparsePrefillCase testCase)
    {
        double causal = testCase.Batch * (double)SparseDensity.CausalEntries(testCase.SequenceLength);
        foreach (PatternGroupReport group in report.Groups)
        {
            int[] heads = group.Heads.ToArray();
            int[] sparse = group.SparseHeads.ToArray();
            for (int i = 0; i < heads.Length; i++)
            {
                int slot = Array.IndexOf(sparse, heads[i]);
                long entries = slot < 0
                    ? testCase.Batch * SparseDensity.CausalEntries(testCase.SequenceLength)
                    : Enumerable.Range(0, testCase.Batch).Sum(batch => group.Pattern switch
                    {
                        VerticalSlashPattern => SparseDensity.VerticalSlashEntries(group.VerticalSlashIndex!, batch, slot),
                        BlockSparsePattern => SparseDensity.BlockSparseEntries(group.BlockSparseIndex!, batch, slot),
                        AShapePattern aShape => SparseDensity.AShapeEntries(testCase.SequenceLength, aShape),
                        _ => SparseDensity.CausalEntries(testCase.SequenceLength),
                    });
                Assert.That(group.Densities.Span[i], Is.EqualTo(entries / causal).Within(1e-12), $"{group}: head {heads[i]}");
                Assert.That(group.Densities.Span[i], Is.InRange(double.Epsilon, 1.0), $"{group}: head {heads[i]}");
            }
        }
    }
}

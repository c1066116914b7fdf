using MInference.Sparse;

namespace MInference.Tests.Sparse.Prefill;

/// <summary>Which heads of a group keep their sparse pattern, and how the reports account for the rest.</summary>
public sealed class FallbackDecisionTests
{
    [Test]
    public void HeadsAboveTheDensityLimitRunDenseAndTheOthersKeepThePattern()
    {
        var options = new SparsePrefillOptions { MaxDensity = 0.5 };

        FallbackDecision decision = FallbackDecision.ByDensity(options, [7, 2, 5], [0.6, 0.5, 0.1]);

        Assert.Multiple(() =>
        {
            Assert.That(decision.SparseHeads, Is.EqualTo(new[] { 2, 5 }));
            Assert.That(decision.Fallbacks, Is.EqualTo(new[] { new DenseFallback(7, DenseFallbackReason.DensityAboveLimit, 0.6) }));
            Assert.That(decision.DenseHeads, Is.EqualTo(new[] { 7 }));
            Assert.That(decision.KeepsAll, Is.False);
        });
    }

    [Test]
    public void AShortSequenceRunsEveryHeadDenseWithoutADensity()
    {
        FallbackDecision decision = FallbackDecision.ShortSequence([4, 1]);
        Assert.Multiple(() =>
        {
            Assert.That(decision.SparseHeads, Is.Empty);
            Assert.That(decision.Fallbacks, Is.EqualTo(new[]
            {
                new DenseFallback(4, DenseFallbackReason.ShortSequence, null),
                new DenseFallback(1, DenseFallbackReason.ShortSequence, null),
            }));
        });
    }

    [Test]
    public void AGroupReportCountsFallbacksAsDense()
    {
        var report = new PatternGroupReport(
            new VerticalSlashPattern(64, 256), [1, 3], [3], [1], [new DenseFallback(1, DenseFallbackReason.DensityAboveLimit, 0.9)], [1.0, 0.25], 100, densityIsExact: true);
        Assert.That(report.ToString(), Is.EqualTo("vertical_and_slash(64, 256): heads 1, 3; sparse 3; dense 1 (head 1: DensityAboveLimit (0.900))"));
    }

    [Test]
    public void TheLayerReportSumsTheGroupsAndCountsTheDenseLaunchAsAttention()
    {
        var problem = new CausalProblem(Batch: 2, QHeads: 3, KvHeads: 1, SequenceLength: 10, HeadDim: 64);
        long causal = 2 * SparseDensity.CausalEntries(10);
        var sparse = new PatternGroupReport(new AShapePattern(1, 2), [0, 2], [0, 2], [], [], [0.5, 0.5], causal, densityIsExact: true)
        {
            StepTimes = new SparsePrefillStepTimes(0, 0, 1.5f),
        };
        var dense = new PatternGroupReport(new DensePattern(), [1], [], [1], [], [1.0], causal, densityIsExact: true)
        {
            StepTimes = default(SparsePrefillStepTimes),
        };

        var report = new SparsePrefillReport(problem, new SparsePrefillOptions { MeasureStepTimes = true }, [sparse, dense], [1], 2, 0.5f);

        Assert.Multiple(() =>
        {
            Assert.That(report.Density, Is.EqualTo(2.0 / 3).Within(1e-12));
            Assert.That(report.StepTimes, Is.EqualTo(new SparsePrefillStepTimes(0, 0, 2f)));
            Assert.That(report.DenseHeads.ToArray(), Is.EqualTo(new[] { 1 }));
            Assert.That(report.Fallbacks, Is.Empty);
            Assert.That(report.DensityIsExact, Is.True);
        });
    }
}

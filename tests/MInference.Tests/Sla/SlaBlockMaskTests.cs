using MInference.Sla;

namespace MInference.Tests.Sla;

/// <summary>SLA's mask prediction on the CPU: counts per row, ranking and ties, tail blocks, smooth-K, and bad input.</summary>
public sealed class SlaBlockMaskTests
{
    [TestCase(1, 0.05, 0.10, 1, 0)]
    [TestCase(20, 0.05, 0.10, 1, 2)]
    [TestCase(512, 0.05, 0.10, 25, 51)]
    [TestCase(10, 1.0, 0.5, 10, 0)]
    [TestCase(10, 0.6, 0.9, 6, 4)]
    public void EveryRowHasTheStatedCounts(int blocks, double critical, double negligible, int expectedCritical, int expectedNegligible)
    {
        var options = new SlaOptions { CriticalFraction = critical, NegligibleFraction = negligible };
        Assert.Multiple(() =>
        {
            Assert.That(options.CriticalBlocks(blocks), Is.EqualTo(expectedCritical));
            Assert.That(options.NegligibleBlocks(blocks), Is.EqualTo(expectedNegligible));
        });
        if (blocks > 20)
        {
            return;  // the counting rule alone; prediction below runs on small heads
        }

        SlaHead head = SlaTestHeads.Head(blocks, (blocks * 64) - 5, 4);
        SlaBlockMask mask = SlaBlockMask.Predict(head, options);
        for (int row = 0; row < blocks; row++)
        {
            SlaBlockClass[] cells = mask.Classes.Slice(row * blocks, blocks).ToArray();
            Assert.That(cells.Count(cell => cell == SlaBlockClass.Critical), Is.EqualTo(expectedCritical), $"row {row}");
            Assert.That(cells.Count(cell => cell == SlaBlockClass.Negligible), Is.EqualTo(expectedNegligible), $"row {row}");
        }
    }

    [Test]
    public void CriticalBlocksScoreHighestAndNegligibleLowest()
    {
        SlaHead head = SlaTestHeads.Head(4, 640, 8);
        var options = new SlaOptions { CriticalFraction = 0.3, NegligibleFraction = 0.2 };
        SlaBlockMask mask = SlaBlockMask.Predict(head, options);
        double[] pooledQ = Pool(head.Q.ToArray(), 640, 8);
        double[] pooledK = Pool(head.K.ToArray(), 640, 8);
        for (int row = 0; row < 10; row++)
        {
            double[] scores = [.. Enumerable.Range(0, 10).Select(column => Enumerable.Range(0, 8).Sum(c => pooledQ[(row * 8) + c] * pooledK[(column * 8) + c]))];
            double lowestCritical = Enumerable.Range(0, 10).Where(column => mask[row, column] == SlaBlockClass.Critical).Min(column => scores[column]);
            double highestMarginal = Enumerable.Range(0, 10).Where(column => mask[row, column] == SlaBlockClass.Marginal).Max(column => scores[column]);
            double lowestMarginal = Enumerable.Range(0, 10).Where(column => mask[row, column] == SlaBlockClass.Marginal).Min(column => scores[column]);
            double highestNegligible = Enumerable.Range(0, 10).Where(column => mask[row, column] == SlaBlockClass.Negligible).Max(column => scores[column]);
            Assert.Multiple(() =>
            {
                Assert.That(lowestCritical, Is.GreaterThan(highestMarginal), $"row {row}");
                Assert.That(lowestMarginal, Is.GreaterThan(highestNegligible), $"row {row}");
            });
        }
    }

    [Test]
    public void TiesGoToTheSmallerKeyBlock()
    {
        // Identical keys: every pooled score of a row ties, so the first blocks are critical and the last negligible.
        int n = 6 * 64;
        double[] q = SlaTestHeads.Normal(new Random(1), n * 4);
        double[] k = [.. Enumerable.Range(0, n * 4).Select(i => (i % 4) * 0.25)];
        var head = new SlaHead(q, k, k, n, 4);
        SlaBlockMask mask = SlaBlockMask.Predict(head, new SlaOptions { CriticalFraction = 0.34, NegligibleFraction = 0.34, SmoothKeys = false });
        for (int row = 0; row < 6; row++)
        {
            Assert.That(mask.Classes.Slice(row * 6, 6).ToArray(), Is.EqualTo(new[]
            {
                SlaBlockClass.Critical, SlaBlockClass.Critical, SlaBlockClass.Marginal, SlaBlockClass.Marginal, SlaBlockClass.Negligible, SlaBlockClass.Negligible,
            }), $"row {row}");
        }
    }

    [Test]
    public void TheTailBlockIsAveragedOverItsOwnTokens()
    {
        // One dimension; every query +1. Keys: 0.01 in block 0 (64 tokens), 0.5 in the one-token tail.
        // The tail's mean over its own token (0.5) beats block 0's (0.01); divided by 64 (0.0078) it
        // would lose, so only the right divisor makes the tail the critical block.
        int n = 65;
        double[] q = [.. Enumerable.Repeat(1.0, n)];
        double[] k = [.. Enumerable.Repeat(0.01, 64).Append(0.5)];
        var head = new SlaHead(q, k, k, n, 1);
        SlaBlockMask mask = SlaBlockMask.Predict(head, new SlaOptions { CriticalFraction = 0.5, NegligibleFraction = 0, SmoothKeys = false });
        Assert.Multiple(() =>
        {
            Assert.That(mask[0, 1], Is.EqualTo(SlaBlockClass.Critical));
            Assert.That(mask[0, 0], Is.EqualTo(SlaBlockClass.Marginal));
        });
    }

    [Test]
    public void SmoothKeysNeverChangesTheClasses()
    {
        SlaHead head = SlaTestHeads.Head(8, 1000, 16);
        var smooth = new SlaOptions { CriticalFraction = 0.2, NegligibleFraction = 0.3 };
        SlaBlockMask withSmoothing = SlaBlockMask.Predict(head, smooth);
        SlaBlockMask without = SlaBlockMask.Predict(head, smooth with { SmoothKeys = false });
        Assert.That(withSmoothing.Classes.ToArray(), Is.EqualTo(without.Classes.ToArray()));
    }

    [TestCase(0.0, 0.1, "CriticalFraction")]
    [TestCase(1.5, 0.1, "CriticalFraction")]
    [TestCase(double.NaN, 0.1, "CriticalFraction")]
    [TestCase(0.05, 1.0, "NegligibleFraction")]
    [TestCase(0.05, -0.1, "NegligibleFraction")]
    public void BadFractionsAreRefused(double critical, double negligible, string parameter)
    {
        SlaHead head = SlaTestHeads.Head(1, 64, 4);
        var options = new SlaOptions { CriticalFraction = critical, NegligibleFraction = negligible };
        Assert.That(() => SlaBlockMask.Predict(head, options), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(parameter));
    }

    [TestCase(0.3, 0.2)]
    [TestCase(0.05, 0.10)]
    [TestCase(1.0, 0.0)]
    public void CausalRowsRankOnlyTheBlocksTheySeeWithTheDiagonalCritical(double critical, double negligible)
    {
        SlaHead head = SlaTestHeads.Head(6, 640, 8);
        var options = new SlaOptions { CriticalFraction = critical, NegligibleFraction = negligible, Causal = true };
        SlaBlockMask mask = SlaBlockMask.Predict(head, options);
        double[] pooledQ = Pool(head.Q.ToArray(), 640, 8);
        double[] pooledK = Pool(head.K.ToArray(), 640, 8);
        Assert.Multiple(() =>
        {
            for (int row = 0; row < 10; row++)
            {
                int r = row;
                double Score(int column) => Enumerable.Range(0, 8).Sum(c => pooledQ[(r * 8) + c] * pooledK[(column * 8) + c]);
                int[] left = [.. Enumerable.Range(0, row)];
                int[] criticalLeft = [.. left.Where(column => mask[r, column] == SlaBlockClass.Critical)];
                int[] marginal = [.. left.Where(column => mask[r, column] == SlaBlockClass.Marginal)];
                int[] negligibleLeft = [.. left.Where(column => mask[r, column] == SlaBlockClass.Negligible)];
                Assert.That(mask[row, row], Is.EqualTo(SlaBlockClass.Critical), $"row {row}: the diagonal");
                Assert.That(Enumerable.Range(row + 1, 9 - row).Select(column => mask[r, column]), Is.All.EqualTo(SlaBlockClass.Negligible), $"row {row}: past the diagonal");
                Assert.That(criticalLeft.Length + 1, Is.EqualTo(options.CriticalBlocks(row + 1)), $"row {row}: critical count of {row + 1} visible blocks");
                Assert.That(negligibleLeft.Length, Is.EqualTo(options.NegligibleBlocks(row + 1)), $"row {row}: negligible count");
                if (criticalLeft.Length > 0 && marginal.Length > 0)
                {
                    Assert.That(criticalLeft.Min(Score), Is.GreaterThan(marginal.Max(Score)), $"row {row}: critical above marginal");
                }

                if (marginal.Length > 0 && negligibleLeft.Length > 0)
                {
                    Assert.That(marginal.Min(Score), Is.GreaterThan(negligibleLeft.Max(Score)), $"row {row}: marginal above negligible");
                }
            }
        });
    }

    [Test]
    public void CausalNeedsTheMarginalBlocksBranch()
    {
        SlaHead head = SlaTestHeads.Head(1, 64, 4);
        var options = new SlaOptions { Causal = true, LinearBranch = SlaLinearBranch.AllKeys };
        Assert.That(() => SlaBlockMask.Predict(head, options),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("LinearBranch").And.Message.Contains("future keys"));
    }

    [Test]
    public void MasksAndOperandsThatDoNotFitAreRefused()
    {
        SlaHead head = SlaTestHeads.Head(1, 130, 4);
        Assert.Multiple(() =>
        {
            Assert.That(() => new SlaBlockMask(2, 2, [SlaBlockClass.Critical, SlaBlockClass.Marginal, SlaBlockClass.Marginal, SlaBlockClass.Negligible]),
                Throws.ArgumentException.With.Message.Contains("row 1 has no critical block"));
            Assert.That(() => new SlaBlockMask(1, 2, [SlaBlockClass.Critical, (SlaBlockClass)2]), Throws.ArgumentException.With.Message.Contains("class value 2"));
            Assert.That(() => SlaReference.Forward(head, SlaTestHeads.Mixed(2), SlaProjection.Zero(4), new SlaOptions()),
                Throws.ArgumentException.With.Message.Contains("the head needs 3 x 3"));
            Assert.That(() => SlaReference.Forward(head, SlaTestHeads.Mixed(3), SlaProjection.Zero(8), new SlaOptions()),
                Throws.ArgumentException.With.Message.Contains("the head dimension is 4"));
            Assert.That(() => new SlaHead(new double[10], new double[12], new double[12], 3, 4), Throws.ArgumentException.With.Message.Contains("q holds 10 values"));
            Assert.That(() => new SlaProjection(new double[16], new double[] { 0, 0, 0, double.NaN }, 4), Throws.ArgumentException.With.Message.Contains("finite"));
        });
    }

    private static double[] Pool(double[] matrix, int n, int d)
    {
        int blocks = (n + 63) / 64;
        var pooled = new double[blocks * d];
        for (int t = 0; t < n; t++)
        {
            for (int c = 0; c < d; c++)
            {
                pooled[((t / 64) * d) + c] += matrix[(t * d) + c] / Math.Min(64, n - ((t / 64) * 64));
            }
        }

        return pooled;
    }
}

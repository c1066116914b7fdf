using MInference.Sla;

namespace MInference.Tests.Sla;

/// <summary>
/// The SLA reference's forward against a second, literal computation: token-level masked softmax for
/// the critical branch and, for the linear branch, explicit per-key sums Σ_s (φ(q)·φ(k_s)) v_s over the
/// branch's keys divided by Σ_s φ(q)·φ(k_s) — not the per-block states H and Z the reference (and the
/// kernels) use; both in double, so they agree to 1e-10.
/// </summary>
public sealed class SlaReferenceForwardTests
{
    private const double Tolerance = 1e-10;

    [TestCase(1, 8)]
    [TestCase(63, 8)]
    [TestCase(65, 8)]
    [TestCase(200, 16)]
    [TestCase(130, 64)]
    public void TheForwardMatchesExplicitSums(int n, int d)
    {
        SlaHead head = SlaTestHeads.Head(n + d, n, d);
        SlaProjection projection = SlaTestHeads.Projection(7, d);
        SlaBlockMask mask = SlaTestHeads.Mixed(head.Blocks);
        foreach (SlaFeatureMap map in Enum.GetValues<SlaFeatureMap>())
        {
            foreach (SlaLinearBranch branch in Enum.GetValues<SlaLinearBranch>())
            {
                var options = new SlaOptions { FeatureMap = map, LinearBranch = branch };
                SlaReferenceForward forward = SlaReference.Forward(head, mask, projection, options);
                double[] expected = Literal(head, mask, projection, options);
                Assert.That(MaxDifference(forward.Output, expected), Is.LessThan(Tolerance), $"{map}, {branch}");
            }
        }
    }

    [TestCase(1, 8)]
    [TestCase(65, 8)]
    [TestCase(200, 16)]
    [TestCase(330, 8)]
    public void TheCausalForwardMatchesExplicitSums(int n, int d)
    {
        SlaHead head = SlaTestHeads.Head((2 * n) + d, n, d);
        SlaProjection projection = SlaTestHeads.Projection(8, d);
        foreach (SlaFeatureMap map in Enum.GetValues<SlaFeatureMap>())
        {
            var options = new SlaOptions { FeatureMap = map, Causal = true, CriticalFraction = 0.3, NegligibleFraction = 0.2 };
            foreach (SlaBlockMask mask in new[] { SlaTestHeads.MixedCausal(head.Blocks), SlaBlockMask.Predict(head, options) })
            {
                SlaReferenceForward forward = SlaReference.Forward(head, mask, projection, options);
                double[] expected = Literal(head, mask, projection, options);
                Assert.That(MaxDifference(forward.Output, expected), Is.LessThan(Tolerance), $"{map}");
            }
        }
    }

    [Test]
    public void CausalWithEveryBlockCriticalIsCausalAttention()
    {
        SlaHead head = SlaTestHeads.Head(12, 150, 8);
        var options = new SlaOptions { CriticalFraction = 1.0, NegligibleFraction = 0, Causal = true };
        SlaBlockMask mask = SlaBlockMask.Predict(head, options);
        SlaReferenceForward forward = SlaReference.Forward(head, mask, SlaTestHeads.Projection(4, 8), options);
        Assert.Multiple(() =>
        {
            Assert.That(forward.LinearOutput, Is.All.EqualTo(0.0));
            Assert.That(MaxDifference(forward.SparseOutput, CausalAttention(head)), Is.LessThan(Tolerance), "O_s is causal attention");
        });
    }

    [Test]
    public void ACausalMaskThatLooksPastTheDiagonalIsRefused()
    {
        SlaHead head = SlaTestHeads.Head(2, 200, 4);
        var options = new SlaOptions { Causal = true };
        SlaBlockMask marginalDiagonal = new(head.Blocks, head.Blocks, [.. SlaTestHeads.MixedCausal(head.Blocks).Classes.ToArray().Select((cell, i) => i == 5 ? SlaBlockClass.Marginal : cell)]);
        Assert.Multiple(() =>
        {
            var future = Assert.Throws<ArgumentException>(() => SlaReference.Forward(head, SlaTestHeads.Mixed(head.Blocks), SlaProjection.Zero(4), options));
            Assert.That(future!.Message, Does.Contain("past the diagonal"));
            var diagonal = Assert.Throws<ArgumentException>(() => SlaReference.Forward(head, marginalDiagonal, SlaProjection.Zero(4), options));
            Assert.That(diagonal!.Message, Does.Contain("diagonal block is marginal"));
        });
    }

    [Test]
    public void EveryBlockCriticalLeavesNoLinearBranchInThePapersSemantics()
    {
        SlaHead head = SlaTestHeads.Head(3, 150, 8);
        SlaProjection projection = SlaTestHeads.Projection(4, 8);
        var options = new SlaOptions { CriticalFraction = 1.0, NegligibleFraction = 0 };
        SlaBlockMask mask = SlaBlockMask.Predict(head, options);
        SlaReferenceForward forward = SlaReference.Forward(head, mask, projection, options);
        double[] withBiasOnly = [.. forward.SparseOutput.Select((value, i) => value + projection.Bias.Span[i % 8])];
        Assert.Multiple(() =>
        {
            Assert.That(mask.Classes.ToArray(), Is.All.EqualTo(SlaBlockClass.Critical));
            Assert.That(forward.LinearOutput, Is.All.EqualTo(0.0));
            Assert.That(MaxDifference(forward.Output, withBiasOnly), Is.LessThan(Tolerance), "O = O_s + b");
            Assert.That(MaxDifference(forward.SparseOutput, DenseAttention(head)), Is.LessThan(Tolerance), "O_s is dense attention");
        });
    }

    [Test]
    public void TheLogSumExpIsTheCriticalRowsNormaliser()
    {
        SlaHead head = SlaTestHeads.Head(5, 100, 8);
        SlaBlockMask mask = SlaTestHeads.Mixed(head.Blocks);
        SlaReferenceForward forward = SlaReference.Forward(head, mask, SlaProjection.Zero(8), new SlaOptions());
        double scale = 1 / Math.Sqrt(8);
        ReadOnlySpan<double> q = head.Q.Span;
        ReadOnlySpan<double> k = head.K.Span;
        for (int t = 0; t < head.SequenceLength; t++)
        {
            double sum = 0;
            for (int s = 0; s < head.SequenceLength; s++)
            {
                if (mask[t / 64, s / 64] == SlaBlockClass.Critical)
                {
                    sum += Math.Exp(scale * Dot(q.Slice(t * 8, 8), k.Slice(s * 8, 8)));
                }
            }

            Assert.That(forward.LogSumExp[t], Is.EqualTo(Math.Log(sum)).Within(Tolerance), $"row {t}");
        }
    }

    private static double[] Literal(SlaHead head, SlaBlockMask mask, SlaProjection projection, SlaOptions options)
    {
        int n = head.SequenceLength;
        int d = head.HeadDim;
        double scale = 1 / Math.Sqrt(d);
        ReadOnlySpan<double> q = head.Q.Span;
        ReadOnlySpan<double> k = head.K.Span;
        ReadOnlySpan<double> v = head.V.Span;
        var output = new double[n * d];
        for (int t = 0; t < n; t++)
        {
            double[] phiQ = Phi(options.FeatureMap, q.Slice(t * d, d));
            var sparse = new double[d];
            var linear = new double[d];
            double sparseSum = 0;
            double linearSum = 0;
            bool anyLinear = false;
            int visible = options.Causal ? t + 1 : n;  // a literal token mask, whatever the block mask holds
            for (int s = 0; s < visible; s++)
            {
                SlaBlockClass cell = mask[t / 64, s / 64];
                if (cell == SlaBlockClass.Critical)
                {
                    double weight = Math.Exp(scale * Dot(q.Slice(t * d, d), k.Slice(s * d, d)));
                    sparseSum += weight;
                    for (int c = 0; c < d; c++)
                    {
                        sparse[c] += weight * v[(s * d) + c];
                    }
                }

                if (options.LinearBranch == SlaLinearBranch.AllKeys || cell == SlaBlockClass.Marginal)
                {
                    anyLinear = true;
                    double weight = Dot(phiQ, Phi(options.FeatureMap, k.Slice(s * d, d)));
                    linearSum += weight;
                    for (int c = 0; c < d; c++)
                    {
                        linear[c] += weight * v[(s * d) + c];
                    }
                }
            }

            double denominator = options.LinearBranch == SlaLinearBranch.AllKeys ? linearSum + SlaOptions.AllKeysEpsilon : linearSum;
            bool linearOn = options.LinearBranch == SlaLinearBranch.AllKeys || (anyLinear && linearSum > 0);
            for (int a = 0; a < d; a++)
            {
                double projected = projection.Bias.Span[a];
                for (int c = 0; c < d; c++)
                {
                    projected += projection.Weight.Span[(a * d) + c] * (linearOn ? linear[c] / denominator : 0);
                }

                output[(t * d) + a] = (sparse[a] / sparseSum) + projected;
            }
        }

        return output;
    }

    private static double[] DenseAttention(SlaHead head)
    {
        var all = new SlaBlockClass[head.Blocks * head.Blocks];
        Array.Fill(all, SlaBlockClass.Critical);
        var options = new SlaOptions { LinearBranch = SlaLinearBranch.MarginalBlocks };
        return Literal(head, new SlaBlockMask(head.Blocks, head.Blocks, all), SlaProjection.Zero(head.HeadDim), options);
    }

    /// <summary>Softmax attention of every query over the keys s ≤ t, literally.</summary>
    private static double[] CausalAttention(SlaHead head)
    {
        int n = head.SequenceLength;
        int d = head.HeadDim;
        double scale = 1 / Math.Sqrt(d);
        var output = new double[n * d];
        for (int t = 0; t < n; t++)
        {
            double[] weights = [.. Enumerable.Range(0, t + 1).Select(s => Math.Exp(scale * Dot(head.Q.Span.Slice(t * d, d), head.K.Span.Slice(s * d, d))))];
            double sum = weights.Sum();
            for (int s = 0; s <= t; s++)
            {
                for (int c = 0; c < d; c++)
                {
                    output[(t * d) + c] += weights[s] / sum * head.V.Span[(s * d) + c];
                }
            }
        }

        return output;
    }

    private static double[] Phi(SlaFeatureMap map, ReadOnlySpan<double> x) => map switch
    {
        SlaFeatureMap.Softmax => Softmax(x),
        SlaFeatureMap.EluPlusOne => [.. x.ToArray().Select(value => value > 0 ? value + 1 : Math.Exp(value))],
        _ => [.. x.ToArray().Select(value => Math.Max(value, 0))],
    };

    private static double[] Softmax(ReadOnlySpan<double> x)
    {
        double max = x.ToArray().Max();
        double[] exps = [.. x.ToArray().Select(value => Math.Exp(value - max))];
        double sum = exps.Sum();
        return [.. exps.Select(value => value / sum)];
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double dot = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }

        return dot;
    }

    internal static double MaxDifference(double[] actual, double[] expected) =>
        actual.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
}

using MInference.Sla;

namespace MInference.Tests.Sla;

/// <summary>
/// The SLA reference's gradients against central finite differences of L = Σ dO ⊙ O (random dO),
/// the mask held fixed: every coordinate of W and b, and 24 random coordinates each of Q, K and V,
/// for every feature map and both linear-branch semantics. Step 1e-5 in double: the difference
/// quotient's error is O(h²) ≈ 1e-10 times the third derivative, far below the 1e-6 tolerance.
/// </summary>
public sealed class SlaReferenceBackwardTests
{
    private const double Step = 1e-5;
    private const double Tolerance = 1e-6;
    private const int SampledCoordinates = 24;

    [TestCase(40, 4)]
    [TestCase(65, 4)]
    [TestCase(200, 6)]
    public void GradientsMatchFiniteDifferences(int n, int d)
    {
        SlaHead head = SlaTestHeads.Head(n * 3 + d, n, d);
        SlaProjection projection = SlaTestHeads.Projection(11, d);
        SlaBlockMask mask = SlaTestHeads.Mixed(head.Blocks);
        double[] outputGradient = SlaTestHeads.Normal(new Random(n), n * d);
        foreach (SlaFeatureMap map in Enum.GetValues<SlaFeatureMap>())
        {
            foreach (SlaLinearBranch branch in Enum.GetValues<SlaLinearBranch>())
            {
                var options = new SlaOptions { FeatureMap = map, LinearBranch = branch };
                SlaReferenceGradients gradients = SlaReference.Backward(head, mask, projection, options, outputGradient);
                string label = $"{map}, {branch}";
                var random = new Random(17);
                Assert.Multiple(() =>
                {
                    CheckSampled(gradients.Query, random, (i, h) => Loss(Perturbed(head, 0, i, h), mask, projection, options, outputGradient), $"dQ, {label}");
                    CheckSampled(gradients.Key, random, (i, h) => Loss(Perturbed(head, 1, i, h), mask, projection, options, outputGradient), $"dK, {label}");
                    CheckSampled(gradients.Value, random, (i, h) => Loss(Perturbed(head, 2, i, h), mask, projection, options, outputGradient), $"dV, {label}");
                    for (int i = 0; i < d * d; i++)
                    {
                        int index = i;
                        Check(gradients.Weight[i], h => Loss(head, mask, PerturbedProjection(projection, index, h, bias: false), options, outputGradient), $"dW[{i}], {label}");
                    }

                    for (int i = 0; i < d; i++)
                    {
                        int index = i;
                        Check(gradients.Bias[i], h => Loss(head, mask, PerturbedProjection(projection, index, h, bias: true), options, outputGradient), $"db[{i}], {label}");
                    }
                });
            }
        }
    }

    [TestCase(65, 4)]
    [TestCase(200, 6)]
    public void CausalGradientsMatchFiniteDifferences(int n, int d)
    {
        SlaHead head = SlaTestHeads.Head((n * 5) + d, n, d);
        SlaProjection projection = SlaTestHeads.Projection(13, d);
        SlaBlockMask mask = SlaTestHeads.MixedCausal(head.Blocks);
        double[] outputGradient = SlaTestHeads.Normal(new Random(n + 1), n * d);
        foreach (SlaFeatureMap map in Enum.GetValues<SlaFeatureMap>())
        {
            var options = new SlaOptions { FeatureMap = map, Causal = true };
            SlaReferenceGradients gradients = SlaReference.Backward(head, mask, projection, options, outputGradient);
            var random = new Random(19);
            Assert.Multiple(() =>
            {
                CheckSampled(gradients.Query, random, (i, h) => Loss(Perturbed(head, 0, i, h), mask, projection, options, outputGradient), $"dQ, {map}");
                CheckSampled(gradients.Key, random, (i, h) => Loss(Perturbed(head, 1, i, h), mask, projection, options, outputGradient), $"dK, {map}");
                CheckSampled(gradients.Value, random, (i, h) => Loss(Perturbed(head, 2, i, h), mask, projection, options, outputGradient), $"dV, {map}");
                for (int i = 0; i < d * d; i += 3)
                {
                    int index = i;
                    Check(gradients.Weight[i], h => Loss(head, mask, PerturbedProjection(projection, index, h, bias: false), options, outputGradient), $"dW[{i}], {map}");
                }
            });
        }
    }

    [Test]
    public void WithoutALinearBranchTheGradientsAreDenseAttentionsPlusProj()
    {
        // k_h = 100 %, the paper's semantics: every block exact, O_l = 0, so dW = 0 and db = Σ dO.
        SlaHead head = SlaTestHeads.Head(9, 70, 4);
        var options = new SlaOptions { CriticalFraction = 1.0, NegligibleFraction = 0 };
        SlaBlockMask mask = SlaBlockMask.Predict(head, options);
        double[] outputGradient = SlaTestHeads.Normal(new Random(2), 70 * 4);
        SlaReferenceGradients gradients = SlaReference.Backward(head, mask, SlaTestHeads.Projection(3, 4), options, outputGradient);
        Assert.Multiple(() =>
        {
            Assert.That(gradients.Weight, Is.All.EqualTo(0.0));
            for (int c = 0; c < 4; c++)
            {
                double expected = Enumerable.Range(0, 70).Sum(t => outputGradient[(t * 4) + c]);
                Assert.That(gradients.Bias[c], Is.EqualTo(expected).Within(1e-12));
            }

            Check(gradients.Query[5], h => Loss(Perturbed(head, 0, 5, h), mask, SlaTestHeads.Projection(3, 4), options, outputGradient), "dQ[5]");
        });
    }

    [Test]
    public void TheOutputGradientMustFitTheHead()
    {
        SlaHead head = SlaTestHeads.Head(1, 10, 4);
        SlaBlockMask mask = SlaTestHeads.Mixed(1);
        Assert.That(() => SlaReference.Backward(head, mask, SlaProjection.Zero(4), new SlaOptions(), new double[39]),
            Throws.ArgumentException.With.Message.Contains("dO holds 39 values"));
    }

    private static void CheckSampled(double[] analytic, Random random, Func<int, double, double> loss, string label)
    {
        for (int sample = 0; sample < SampledCoordinates; sample++)
        {
            int index = random.Next(analytic.Length);
            Check(analytic[index], h => loss(index, h), $"{label}[{index}]");
        }
    }

    private static void Check(double analytic, Func<double, double> loss, string label)
    {
        double numeric = (loss(Step) - loss(-Step)) / (2 * Step);
        Assert.That(analytic, Is.EqualTo(numeric).Within(Tolerance * Math.Max(1, Math.Abs(numeric))), label);
    }

    private static double Loss(SlaHead head, SlaBlockMask mask, SlaProjection projection, SlaOptions options, double[] outputGradient)
    {
        double[] output = SlaReference.Forward(head, mask, projection, options).Output;
        double loss = 0;
        for (int i = 0; i < output.Length; i++)
        {
            loss += output[i] * outputGradient[i];
        }

        return loss;
    }

    /// <summary>The head with Q (which 0), K (1) or V (2) changed by <paramref name="h"/> at one coordinate.</summary>
    private static SlaHead Perturbed(SlaHead head, int which, int index, double h)
    {
        double[][] matrices = [head.Q.ToArray(), head.K.ToArray(), head.V.ToArray()];
        matrices[which][index] += h;
        return new SlaHead(matrices[0], matrices[1], matrices[2], head.SequenceLength, head.HeadDim);
    }

    private static SlaProjection PerturbedProjection(SlaProjection projection, int index, double h, bool bias)
    {
        double[] weight = projection.Weight.ToArray();
        double[] offsets = projection.Bias.ToArray();
        (bias ? offsets : weight)[index] += h;
        return new SlaProjection(weight, offsets, projection.HeadDim);
    }
}

using MInference.Sla;

namespace MInference.Tests.Sla;

/// <summary>
/// The CPU backend of SLA over [B, H, N, D] float tensors: each (batch, head) must be exactly the
/// per-head reference on the same values (same arithmetic, so bit-identical after the final
/// rounding to float), in BHSD and BSHD layouts, with dW and db summed over the heads.
/// </summary>
public sealed class CpuSparseLinearAttentionTests
{
    private const int Batch = 2;
    private const int Heads = 3;
    private const int N = 130;
    private const int D = 8;

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    public void EachHeadIsThePerHeadReference(bool bshd, bool causal)
    {
        TensorLayout layout = bshd ? TensorLayout.Bshd(Batch, N, Heads, D) : TensorLayout.Bhsd(Batch, Heads, N, D);
        var random = new Random(bshd ? 1 : 2);
        float[] q = Floats(random), k = Floats(random), v = Floats(random), outputGradient = Floats(random);
        float[] output = new float[q.Length], dq = new float[q.Length], dk = new float[q.Length], dv = new float[q.Length];
        SlaProjection projection = SlaTestHeads.Projection(5, D);
        var options = new SlaOptions { CriticalFraction = 0.34, NegligibleFraction = 0.34, FeatureMap = SlaFeatureMap.EluPlusOne, Causal = causal };

        SlaSavedState state = CpuSparseLinearAttention.Forward(View(q, layout), View(k, layout), View(v, layout), projection, options, new HostTensor(output, layout));
        SlaParameterGradients parameters = CpuSparseLinearAttention.Backward(state, View(outputGradient, layout), new HostTensor(dq, layout), new HostTensor(dk, layout), new HostTensor(dv, layout));

        var weight = new double[D * D];
        var bias = new double[D];
        for (int b = 0; b < Batch; b++)
        {
            for (int h = 0; h < Heads; h++)
            {
                var head = new SlaHead(Head(q, layout, b, h), Head(k, layout, b, h), Head(v, layout, b, h), N, D);
                SlaBlockMask mask = SlaBlockMask.Predict(head, options);
                SlaReferenceForward forward = SlaReference.Forward(head, mask, projection, options);
                SlaReferenceGradients gradients = SlaReference.Backward(head, mask, projection, options, Head(outputGradient, layout, b, h));
                string label = $"batch {b}, head {h}";
                Assert.Multiple(() =>
                {
                    Assert.That(state.Masks[(b * Heads) + h].Classes.ToArray(), Is.EqualTo(mask.Classes.ToArray()), label);
                    Assert.That(Head(output, layout, b, h), Is.EqualTo(Rounded(forward.Output)), $"O, {label}");
                    Assert.That(Head(dq, layout, b, h), Is.EqualTo(Rounded(gradients.Query)), $"dQ, {label}");
                    Assert.That(Head(dk, layout, b, h), Is.EqualTo(Rounded(gradients.Key)), $"dK, {label}");
                    Assert.That(Head(dv, layout, b, h), Is.EqualTo(Rounded(gradients.Value)), $"dV, {label}");
                });
                for (int i = 0; i < D * D; i++)
                {
                    weight[i] += gradients.Weight[i];
                }

                for (int i = 0; i < D; i++)
                {
                    bias[i] += gradients.Bias[i];
                }
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(parameters.Weight, Is.EqualTo(weight).Within(1e-12));
            Assert.That(parameters.Bias, Is.EqualTo(bias).Within(1e-12));
        });
    }

    /// <summary>
    /// Causal SLA end to end: changing the last block's keys and values changes no output before it
    /// (its mask rows rank only the blocks they see; smooth-K is off, because its mean over every key
    /// shifts a row's pooled scores by a constant, which keeps the classes only in exact arithmetic).
    /// </summary>
    [Test]
    public void CausalOutputsBeforeABlockIgnoreItsKeysAndValues()
    {
        TensorLayout layout = TensorLayout.Bhsd(1, 2, N, D);
        var random = new Random(9);
        float[] q = Floats(random, layout), k = Floats(random, layout), v = Floats(random, layout);
        float[] k2 = (float[])k.Clone(), v2 = (float[])v.Clone();
        for (int h = 0; h < 2; h++)
        {
            for (int i = ((h * N) + 128) * D; i < (h + 1) * N * D; i++)
            {
                k2[i] += 3;
                v2[i] -= 5;
            }
        }

        var options = new SlaOptions { CriticalFraction = 0.34, NegligibleFraction = 0.34, Causal = true, SmoothKeys = false };
        SlaProjection projection = SlaTestHeads.Projection(6, D);
        float[] output = new float[q.Length], output2 = new float[q.Length];
        CpuSparseLinearAttention.Forward(View(q, layout), View(k, layout), View(v, layout), projection, options, new HostTensor(output, layout));
        CpuSparseLinearAttention.Forward(View(q, layout), View(k2, layout), View(v2, layout), projection, options, new HostTensor(output2, layout));
        for (int h = 0; h < 2; h++)
        {
            Assert.That(output.AsSpan(h * N * D, 128 * D).ToArray(), Is.EqualTo(output2.AsSpan(h * N * D, 128 * D).ToArray()), $"head {h}: tokens 0-127");
            Assert.That(output.AsSpan(((h * N) + 128) * D, 2 * D).ToArray(), Is.Not.EqualTo(output2.AsSpan(((h * N) + 128) * D, 2 * D).ToArray()), $"head {h}: the changed block");
        }
    }

    [Test]
    public void OperandsThatDoNotFitAreRefused()
    {
        TensorLayout layout = TensorLayout.Bhsd(1, 2, 70, 4);
        float[] data = new float[layout.ElementCount];
        float[] output = new float[layout.ElementCount];
        SlaProjection projection = SlaProjection.Zero(4);
        var options = new SlaOptions();
        ReadOnlyHostTensor q = View(data, layout);
        Assert.Multiple(() =>
        {
            Assert.That(() => CpuSparseLinearAttention.Forward(q, View(new float[140 * 4], TensorLayout.Bhsd(1, 2, 70, 2)), q, projection, options, new HostTensor(output, layout)),
                Throws.ArgumentException.With.Message.Contains("k is [1, 2, 70, 2]; expected q's shape [1, 2, 70, 4]"));
            Assert.That(() => CpuSparseLinearAttention.Forward(q, q, q, projection, options, new HostTensor(data, layout)),
                Throws.ArgumentException.With.Message.Contains("must not overlap q, k or v"));
            Assert.That(() => CpuSparseLinearAttention.Forward(q, q, q, SlaProjection.Zero(8), options, new HostTensor(output, layout)),
                Throws.ArgumentException.With.Message.Contains("the head dimension is 4"));
            Assert.That(() => CpuSparseLinearAttention.Forward(View(data, TensorLayout.Contiguous(2, 70, 4)), q, q, projection, options, new HostTensor(output, layout)),
                Throws.ArgumentException.With.Message.Contains("expected rank 4"));
            Assert.That(() => CpuSparseLinearAttention.Forward(q, q, q, projection, options with { CriticalFraction = 0 }, new HostTensor(output, layout)),
                Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    private static float[] Floats(Random random) => Floats(random, TensorLayout.Bhsd(Batch, Heads, N, D));

    private static float[] Floats(Random random, TensorLayout layout) => [.. SlaTestHeads.Normal(random, (int)layout.ElementCount).Select(value => (float)value)];

    private static ReadOnlyHostTensor View(float[] data, TensorLayout layout) => new(data, layout);

    private static double[] Head(float[] data, TensorLayout layout, int b, int h)
    {
        var values = new double[N * D];
        for (int t = 0; t < N; t++)
        {
            for (int c = 0; c < D; c++)
            {
                values[(t * D) + c] = data[layout.GetOffset(b, h, t, c)];
            }
        }

        return values;
    }

    private static double[] Rounded(double[] values) => [.. values.Select(value => (double)(float)value)];
}

using MInference.Sla;

namespace MInference.Tests.Sla;

/// <summary>
/// Training only Proj brings SLA's output closer to dense attention's on the same tensors (the
/// paper's "fine-tunable" claim, on the CPU): from the zero initialisation, where SLA is sparse
/// attention alone, the error falls, and it falls further with more steps.
/// </summary>
public sealed class SlaProjectionFittingTests
{
    [Test]
    public void TrainingProjLowersTheErrorAgainstDenseAttention()
    {
        TensorLayout layout = TensorLayout.Bhsd(1, 2, 256, 16);
        var random = new Random(3);
        float[] q = Floats(random, layout), k = Floats(random, layout), v = Floats(random, layout);
        var dense = new float[layout.ElementCount];
        CpuAttention.Dense(new ReadOnlyHostTensor(q, layout), new ReadOnlyHostTensor(k, layout), new ReadOnlyHostTensor(v, layout), new HostTensor(dense, layout));
        var weight = new double[16 * 16];
        var bias = new double[16];
        var options = new SlaOptions { CriticalFraction = 0.25, NegligibleFraction = 0.25 };
        var reported = new List<(int Step, double Error)>();

        double[] errors = SlaProjectionFitting.Fit(
            new ReadOnlyHostTensor(q, layout), new ReadOnlyHostTensor(k, layout), new ReadOnlyHostTensor(v, layout), new ReadOnlyHostTensor(dense, layout),
            options, weight, bias, steps: 40, learningRate: 0.05, (step, error) => reported.Add((step, error)));

        TestContext.Out.WriteLine($"relative L2 against dense: {string.Join(" ", errors.Select(error => error.ToString("F4")))}");
        Assert.Multiple(() =>
        {
            Assert.That(errors, Has.Length.EqualTo(41));
            Assert.That(reported.Select(entry => entry.Step), Is.EqualTo(Enumerable.Range(1, 40)));
            Assert.That(reported.Select(entry => entry.Error), Is.EqualTo(errors[1..]));
            Assert.That(errors[20], Is.LessThan(errors[0]), "after 20 steps");
            Assert.That(errors[40], Is.LessThan(errors[20]), "after 40 steps");
            Assert.That(errors[40], Is.LessThan(0.9 * errors[0]));
            Assert.That(weight, Has.Some.Not.EqualTo(0.0), "W was trained in place");
        });
    }

    [Test]
    public void BadSettingsAreRefused()
    {
        TensorLayout layout = TensorLayout.Bhsd(1, 1, 64, 4);
        var data = new ReadOnlyHostTensor(new float[64 * 4], layout);
        var options = new SlaOptions();
        Assert.Multiple(() =>
        {
            Assert.That(() => SlaProjectionFitting.Fit(data, data, data, data, options, new double[16], new double[4], 0, 0.1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => SlaProjectionFitting.Fit(data, data, data, data, options, new double[16], new double[4], 5, double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => SlaProjectionFitting.Fit(data, data, data, data, options, new double[15], new double[4], 5, 0.1), Throws.ArgumentException.With.Message.Contains("expected D * D = 16"));
            Assert.That(() => SlaProjectionFitting.Fit(data, data, data, new ReadOnlyHostTensor(new float[128 * 4], TensorLayout.Bhsd(1, 1, 128, 4)), options, new double[16], new double[4], 5, 0.1),
                Throws.ArgumentException.With.Message.Contains("expected q's shape"));
        });
    }

    private static float[] Floats(Random random, TensorLayout layout) => [.. SlaTestHeads.Normal(random, (int)layout.ElementCount).Select(value => (float)value)];
}

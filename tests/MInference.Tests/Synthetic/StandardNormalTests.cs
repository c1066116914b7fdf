using MInference.Synthetic;

namespace MInference.Tests.Synthetic;

public sealed class StandardNormalTests
{
    [Test]
    public void SamplesHaveZeroMeanAndUnitVariance()
    {
        var samples = new float[200_001];
        StandardNormal.Fill(new Random(42), samples);
        double mean = samples.Average(x => (double)x);
        double variance = samples.Average(x => (x - mean) * (x - mean));
        Assert.Multiple(() =>
        {
            Assert.That(mean, Is.EqualTo(0).Within(0.01), "standard error 1/sqrt(n) ≈ 0.0022");
            Assert.That(variance, Is.EqualTo(1).Within(0.02));
            Assert.That(samples, Is.All.Matches<float>(float.IsFinite));
        });
    }

    [Test]
    public void TheSameSeedGivesTheSameSamples()
    {
        var first = new float[9];
        var second = new float[9];
        StandardNormal.Fill(new Random(7), first);
        StandardNormal.Fill(new Random(7), second);
        Assert.That(second, Is.EqualTo(first));
    }
}

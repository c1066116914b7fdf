using MInference.Cli.Sla;

namespace MInference.Tests.Cli;

public sealed class LatentGeometryTests
{
    [TestCase(4096, 16, 16, 16)]
    [TestCase(1024, 8, 8, 16)]
    [TestCase(256, 4, 8, 8)]
    [TestCase(75600, 42, 40, 45)]
    [TestCase(1021, 1, 1, 1021)]
    public void TheMissingSizesFactorTheTokens(int tokens, int frames, int height, int width) =>
        Assert.That(LatentGeometry.Factor(tokens, null, null, null), Is.EqualTo(new LatentGeometry(frames, height, width)));

    [Test]
    public void GivenSizesAreKept()
    {
        Assert.Multiple(() =>
        {
            Assert.That(LatentGeometry.Factor(1024, 4, null, null), Is.EqualTo(new LatentGeometry(4, 16, 16)));
            Assert.That(LatentGeometry.Factor(1024, null, 8, null), Is.EqualTo(new LatentGeometry(8, 8, 16)));
            Assert.That(LatentGeometry.Factor(1024, 2, 4, null), Is.EqualTo(new LatentGeometry(2, 4, 128)));
            Assert.That(LatentGeometry.Factor(60, 3, 4, 5), Is.EqualTo(new LatentGeometry(3, 4, 5)));
        });
    }

    [Test]
    public void SizesThatDoNotFitAreRefusedByName()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => LatentGeometry.Factor(1000, 3, null, null), Throws.ArgumentException.With.Message.Contains("--frames 3").And.Message.Contains("does not divide --seq 1000"));
            Assert.That(() => LatentGeometry.Factor(64, 2, 2, 2), Throws.ArgumentException.With.Message.Contains("= 8 tokens; expected --seq 64"));
        });
    }
}

namespace MInference.Tests.Support;

public sealed class RowSamplingTests
{
    [Test]
    public void SamplesAtLeast64RowsIncludingTileEdges()
    {
        int[] rows = RowSampling.TileEdgesAndSpread(4096);
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Length.AtLeast(RowSampling.MinimumRows));
            Assert.That(rows, Is.Ordered.And.Unique);
            Assert.That(rows, Is.SupersetOf(new[] { 0, 63, 64, 127, 128, 4095 }));
            Assert.That(rows, Is.All.InRange(0, 4095));
        });
    }
}

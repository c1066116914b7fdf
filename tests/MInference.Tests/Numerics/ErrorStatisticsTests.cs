namespace MInference.Tests.Numerics;

public sealed class ErrorStatisticsTests
{
    [Test]
    public void MeasuresMaxAbsoluteAndRelativeL2Error()
    {
        ErrorStatistics statistics = ErrorStatistics.Compare([1f, 2f, 2f], [1f, 2f, 0f]);
        Assert.Multiple(() =>
        {
            Assert.That(statistics.MaxAbsoluteError, Is.EqualTo(2));
            Assert.That(statistics.RelativeL2Error, Is.EqualTo(2 / Math.Sqrt(5)).Within(1e-12));
            Assert.That(statistics.NonFiniteCount, Is.Zero);
            Assert.That(statistics.IsWithin(2, 1));
            Assert.That(statistics.IsWithin(1.9, 1), Is.False);
        });
    }

    [Test]
    public void NonFiniteValuesFailEveryTolerance()
    {
        ErrorStatistics statistics = ErrorStatistics.Compare([float.NaN, 1f, float.PositiveInfinity], [0f, 1f, 0f]);
        Assert.Multiple(() =>
        {
            Assert.That(statistics.NonFiniteCount, Is.EqualTo(2));
            Assert.That(statistics.MaxAbsoluteError, Is.EqualTo(double.PositiveInfinity));
            Assert.That(statistics.IsWithin(double.MaxValue, double.MaxValue), Is.False);
        });
    }

    [Test]
    public void LengthsMustMatch() =>
        Assert.That(() => ErrorStatistics.Compare([1f], [1f, 2f]), Throws.ArgumentException);
}

namespace MInference.Tests.Validation;

/// <summary>The A-shape call's own rules (sizes and head lists), checked before any launch.</summary>
public sealed class AShapeValidationTests
{
    [TestCase(0L, 1L)]
    [TestCase(128L, 4096L)]
    [TestCase(AShapeOptions.MaxSize, AShapeOptions.MaxSize)]
    public void SizesInRangeAreAccepted(long sinkTokens, long localWindow) =>
        Assert.That(() => new AShapeOptions(sinkTokens, localWindow).Validate("options"), Throws.Nothing);

    [TestCase(-1L, 16L, "SinkTokens")]
    [TestCase(AShapeOptions.MaxSize + 1, 16L, "SinkTokens")]
    [TestCase(4L, 0L, "LocalWindow")]
    [TestCase(4L, AShapeOptions.MaxSize + 1, "LocalWindow")]
    public void SizesOutOfRangeAreRejected(long sinkTokens, long localWindow, string field)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AShapeOptions(sinkTokens, localWindow).Validate("options"));
        Assert.Multiple(() =>
        {
            Assert.That(error!.ParamName, Is.EqualTo("options"));
            Assert.That(error.Message, Does.Contain(field));
        });
    }

    [Test]
    public void AnEmptyHeadListMeansEveryHead() =>
        Assert.That(() => HeadList.Validate([], queryHeads: 32, "heads"), Throws.Nothing);

    [Test]
    public void DistinctHeadsInRangeAreAccepted() =>
        Assert.That(() => HeadList.Validate([5, 0, 31], queryHeads: 32, "heads"), Throws.Nothing);

    [TestCase(new[] { 0, 32 }, "heads[1] = 32")]
    [TestCase(new[] { -1 }, "heads[0] = -1")]
    [TestCase(new[] { 3, 7, 3 }, "heads[2] = 3 appears more than once")]
    public void BadHeadsAreRejectedByPosition(int[] heads, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => HeadList.Validate(heads, queryHeads: 32, "heads"));
        Assert.Multiple(() =>
        {
            Assert.That(error!.ParamName, Is.EqualTo("heads"));
            Assert.That(error.Message, Does.Contain(expected));
        });
    }

    [Test]
    public void MoreHeadsThanOneLaunchTakesAreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => HeadList.Validate([], queryHeads: HeadList.MaxCount + 1, "heads"),
                Throws.ArgumentException.With.Message.Contains("at most 1024"));
            int[] tooMany = Enumerable.Range(0, HeadList.MaxCount + 1).ToArray();
            Assert.That(() => HeadList.Validate(tooMany, queryHeads: tooMany.Length, "heads"),
                Throws.ArgumentException.With.Message.Contains("at most 1024"));
        });
    }
}

using MInference.Multimodal;

namespace MInference.Tests.Multimodal;

public sealed class ModalityMapTests
{
    private static ModalityMap TextVideoText() =>
        new([ModalitySegment.Text(0, 10), ModalitySegment.OfVideo(10, new VideoGeometry(3, 4, 5)), ModalitySegment.Text(70, 1)]);

    [Test]
    public void SegmentsTileThePromptAndAnswerPositionQueries()
    {
        ModalityMap map = TextVideoText();
        Assert.Multiple(() =>
        {
            Assert.That(map.SequenceLength, Is.EqualTo(71));
            Assert.That(map.HasVideo);
            Assert.That(map.ModalityAt(0), Is.EqualTo(Modality.Text));
            Assert.That(map.ModalityAt(9), Is.EqualTo(Modality.Text));
            Assert.That(map.ModalityAt(10), Is.EqualTo(Modality.Video));
            Assert.That(map.ModalityAt(69), Is.EqualTo(Modality.Video));
            Assert.That(map.ModalityAt(70), Is.EqualTo(Modality.Text), "a text segment of length 1 at the very end");
            Assert.That(map.SegmentAt(42).Video!.TokensPerFrame, Is.EqualTo(20));
            Assert.That(map.VideoStrides(), Is.EqualTo(new[] { 5, 20 }), "row width and frame size");
            Assert.That(() => map.ModalityAt(71), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => map.ModalityAt(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(ModalityMap.AllText(5).VideoStrides(), Is.Empty);
        });
    }

    [Test]
    public void AVideoOfOnePatchPerFrameSuggestsNoStride()
    {
        var map = new ModalityMap([ModalitySegment.OfVideo(0, new VideoGeometry(4, 1, 1))]);
        Assert.That(map.VideoStrides(), Is.Empty, "strides under 2 are no grid");
    }

    private static IEnumerable<TestCaseData> BadMaps()
    {
        yield return new TestCaseData(new List<ModalitySegment>()).SetName("NoSegments");
        yield return new TestCaseData(new List<ModalitySegment> { ModalitySegment.Text(1, 3) }).SetName("FirstSegmentNotAtZero");
        yield return new TestCaseData(new List<ModalitySegment> { ModalitySegment.Text(0, 3), ModalitySegment.Text(4, 3) }).SetName("Gap");
        yield return new TestCaseData(new List<ModalitySegment> { ModalitySegment.Text(0, 3), ModalitySegment.Text(2, 3) }).SetName("Overlap");
        yield return new TestCaseData(new List<ModalitySegment> { ModalitySegment.Text(0, 0) }).SetName("EmptySegment");
        yield return new TestCaseData(new List<ModalitySegment> { new(Modality.Video, 0, 12, new VideoGeometry(2, 2, 2)) }).SetName("VideoLengthDiffersFromGeometry");
        yield return new TestCaseData(new List<ModalitySegment> { new(Modality.Video, 0, 12) }).SetName("VideoWithoutGeometry");
        yield return new TestCaseData(new List<ModalitySegment> { new(Modality.Text, 0, 8, new VideoGeometry(2, 2, 2)) }).SetName("TextWithGeometry");
        yield return new TestCaseData(new List<ModalitySegment> { new((Modality)7, 0, 8) }).SetName("UnknownModality");
    }

    [TestCaseSource(nameof(BadMaps))]
    public void MalformedSegmentsAreRejectedWithTheirIndex(List<ModalitySegment> segments) =>
        Assert.That(() => new ModalityMap(segments), Throws.ArgumentException.With.Message.Contain("segment"));

    [Test]
    public void AVideoGeometryNeedsPositiveSizes() =>
        Assert.That(() => ModalitySegment.OfVideo(0, new VideoGeometry(2, 0, 4)), Throws.TypeOf<ArgumentOutOfRangeException>());
}

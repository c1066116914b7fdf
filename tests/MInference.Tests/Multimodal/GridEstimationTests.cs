using MInference.Multimodal;
using MInference.Synthetic;

namespace MInference.Tests.Multimodal;

public sealed class GridEstimationTests
{
    private static ModalityMap Prompt(int frames, int height, int width, int textBefore = 100, int textAfter = 40)
    {
        var segments = new List<ModalitySegment>();
        if (textBefore > 0)
        {
            segments.Add(ModalitySegment.Text(0, textBefore));
        }

        segments.Add(ModalitySegment.OfVideo(textBefore, new VideoGeometry(frames, height, width)));
        if (textAfter > 0)
        {
            segments.Add(ModalitySegment.Text(segments[^1].End, textAfter));
        }

        return new ModalityMap(segments);
    }

    [TestCase(8, 8, 8, 0, 0, 64)]
    [TestCase(8, 8, 8, 37, 0, 64)]
    [TestCase(12, 6, 6, 5, 0.25, 64)]
    [TestCase(6, 12, 16, 100, 0.25, 128)]
    [TestCase(16, 4, 4, 3, 0.5, 64)]
    [TestCase(64, 4, 4, 9, 0.25, 64)]  // N = 1,164: small strides have more than 256 multiples (sampled medians)
    public void PlantedStrideAndPhaseAreFound(int frames, int height, int width, int phase, double noise, int headDim)
    {
        ModalityMap map = Prompt(frames, height, width);
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions
        {
            Modalities = map, Heads = 2, KvHeads = 1, HeadDim = headDim, GridPhase = phase, NoiseLevel = noise, Seed = 3,
        });

        for (int head = 0; head < 2; head++)
        {
            GridEstimate estimate = GridEstimation.Estimate(data.Q, data.K, 0, head, map);
            Assert.Multiple(() =>
            {
                Assert.That(estimate.Stride, Is.EqualTo(height * width), $"head {head}: {estimate}");
                Assert.That(estimate.Phase, Is.EqualTo(phase), $"head {head}: {estimate}");
                Assert.That(estimate.DiagonalContrast, Is.GreaterThan(2));
                Assert.That(estimate.VerticalContrast, Is.GreaterThan(1.2), "the lines hold more attention than an average key");
            });
        }
    }

    [Test]
    public void AQueryBoundaryHeadsGridIsReadFromItsVideoRows()
    {
        // The prompt ends in 64 text tokens: the last queries are text rows, which show no grid.
        ModalityMap map = Prompt(8, 8, 8, textBefore: 100, textAfter: 64);
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions
        {
            Modalities = map, Heads = 1, KvHeads = 1, HeadDim = 64, HeadKinds = [VideoHeadKind.QueryBoundary], GridPhase = 6, Seed = 2,
        });
        GridEstimate lastRows = GridEstimation.Estimate(data.Q, data.K, 0, 0, map);
        GridEstimate videoRows = GridEstimation.Estimate(data.Q, data.K, 0, 0, map, new GridEstimationOptions { QueryModality = Modality.Video });
        GridEstimate noSuchRows = GridEstimation.Estimate(data.Q, data.K, 0, 0, ModalityMap.AllText(map.SequenceLength), new GridEstimationOptions { QueryModality = Modality.Video });
        Assert.Multiple(() =>
        {
            Assert.That(lastRows.DiagonalContrast + lastRows.VerticalContrast, Is.LessThan(3), $"text rows: {lastRows}");
            Assert.That((videoRows.Stride, videoRows.Phase), Is.EqualTo((64, 6)), $"video rows: {videoRows}");
            Assert.That(noSuchRows, Is.EqualTo(new GridEstimate(1, 0, 1, 1)), "no video rows: the identity");
        });
    }

    [Test]
    public void ATextHeadShowsNoGrid()
    {
        ModalityMap map = Prompt(8, 8, 8);
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions
        {
            Modalities = map, Heads = 1, KvHeads = 1, HeadDim = 64, HeadKinds = [VideoHeadKind.Text], Seed = 5,
        });
        GridEstimate estimate = GridEstimation.Estimate(data.Q, data.K, 0, 0, map);
        Assert.That(estimate.DiagonalContrast + estimate.VerticalContrast, Is.LessThan(3), estimate.ToString());
    }

    [Test]
    public void TooShortAPromptGivesTheIdentity()
    {
        ModalityMap map = ModalityMap.AllText(40);
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions
        {
            Modalities = map, Heads = 1, KvHeads = 1, HeadDim = 32, GridStride = 4,
        });
        Assert.That(GridEstimation.Estimate(data.Q, data.K, 0, 0, map), Is.EqualTo(new GridEstimate(1, 0, 1, 1)));
    }

    [Test]
    public void AMapOfAnotherLengthIsRejected()
    {
        ModalityMap map = Prompt(4, 4, 4);
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions { Modalities = map, Heads = 1, KvHeads = 1, HeadDim = 32 });
        Assert.That(() => GridEstimation.Estimate(data.Q, data.K, 0, 0, ModalityMap.AllText(7)), Throws.ArgumentException.With.Message.Contain("modality map"));
    }
}

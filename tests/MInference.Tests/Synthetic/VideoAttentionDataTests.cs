using MInference.Multimodal;
using MInference.Synthetic;

namespace MInference.Tests.Synthetic;

public sealed class VideoAttentionDataTests
{
    private static readonly ModalityMap s_prompt =
        new([ModalitySegment.Text(0, 20), ModalitySegment.OfVideo(20, new VideoGeometry(4, 4, 4)), ModalitySegment.Text(84, 1)]);

    private static VideoAttentionOptions Options(int seed = 1) => new()
    {
        Modalities = s_prompt, BatchSize = 2, Heads = 4, KvHeads = 2, HeadDim = 64, Seed = seed,
        HeadKinds = [VideoHeadKind.Grid, VideoHeadKind.Text, VideoHeadKind.Text, VideoHeadKind.Grid],
    };

    [Test]
    public void EqualOptionsGiveBitIdenticalTensorsAndSeedsDiffer()
    {
        VideoAttentionData first = VideoAttentionData.Generate(Options());
        VideoAttentionData again = VideoAttentionData.Generate(Options());
        VideoAttentionData other = VideoAttentionData.Generate(Options(seed: 2));
        Assert.Multiple(() =>
        {
            Assert.That(first.Q.Layout.Lengths.ToArray(), Is.EqualTo(new nint[] { 2, 4, 85, 64 }));
            Assert.That(first.K.Layout.Lengths.ToArray(), Is.EqualTo(new nint[] { 2, 2, 85, 64 }));
            Assert.That(first.Q.Data.ToArray(), Is.EqualTo(again.Q.Data.ToArray()));
            Assert.That(first.K.Data.ToArray(), Is.EqualTo(again.K.Data.ToArray()));
            Assert.That(first.V.Data.ToArray(), Is.EqualTo(again.V.Data.ToArray()));
            Assert.That(first.Q.Data.ToArray(), Is.Not.EqualTo(other.Q.Data.ToArray()));
            Assert.That(first.GridStride, Is.EqualTo(16), "the first video's tokens per frame");
            Assert.That(first.KindOf(1), Is.EqualTo(VideoHeadKind.Text));
            Assert.That(first.Q.Data.ToArray().All(float.IsFinite));
        });
    }

    [Test]
    public void AGridHeadAttendsAlongItsLinesAndATextHeadLocally()
    {
        VideoAttentionData data = VideoAttentionData.Generate(Options() with { NoiseLevel = 0 });
        // Query 80, head 0 (grid, stride 16, phase 0): key 64 (one frame back, on a vertical line) beats key 70.
        // Head 1 (text) prefers the neighbour 79 to key 30, past its local band.
        double Score(int head, int query, int key) => Dot(data.Q, head, query, data.K, head / 2, key);
        Assert.Multiple(() =>
        {
            Assert.That(Score(0, 80, 64), Is.GreaterThan(Score(0, 80, 70) + 4));
            Assert.That(Score(1, 80, 79), Is.GreaterThan(Score(1, 80, 30) + 1));
        });
    }

    [Test]
    public void TheLogitScaleMultipliesThePlantedLogits()
    {
        VideoAttentionData plain = VideoAttentionData.Generate(Options() with { NoiseLevel = 0 });
        VideoAttentionData scaled = VideoAttentionData.Generate(Options() with { NoiseLevel = 0, LogitScale = 1.5 });
        // Without noise every logit is planted: query 80 of the grid head against a line key, a comb key and an off-grid key.
        foreach (int key in (int[])[64, 48, 70, 0])
        {
            Assert.That(Dot(scaled.Q, 0, 80, scaled.K, 0, key), Is.EqualTo(1.5 * Dot(plain.Q, 0, 80, plain.K, 0, key)).Within(1e-4), $"key {key}");
        }
    }

    [Test]
    public void BoundaryHeadsSplitByModality()
    {
        // Prompt: text [0, 20), video [20, 84) (stride 16, phase 0), text [84, 85).
        VideoAttentionData data = VideoAttentionData.Generate(Options() with
        {
            NoiseLevel = 0, HeadKinds = [VideoHeadKind.QueryBoundary, VideoHeadKind.KeyBoundary, VideoHeadKind.TwoDBoundary, VideoHeadKind.Text],
        });
        double Score(int head, int query, int key) => Dot(data.Q, head, query, data.K, head / 2, key);
        Assert.Multiple(() =>
        {
            Assert.That(Score(0, 80, 64), Is.GreaterThan(Score(0, 80, 70) + 4), "q-boundary: a video row is a grid row");
            Assert.That(Score(0, 84, 83), Is.GreaterThan(Score(0, 84, 36) + 1), "q-boundary: a text row is local");
            Assert.That(Score(1, 80, 10), Is.GreaterThan(Score(1, 80, 30) + 2), "k-boundary: text keys draw every query");
            Assert.That(Score(2, 84, 10), Is.GreaterThan(Score(2, 84, 30) + 2), "2d-boundary: a text row draws on text keys");
            Assert.That(Score(2, 80, 64), Is.GreaterThan(Score(2, 80, 70) + 4), "2d-boundary: a video row is a grid row");
        });
    }

    private static double Dot(ReadOnlyHostTensor q, int head, int query, ReadOnlyHostTensor k, int kvHead, int key)
    {
        ReadOnlySpan<float> queryRow = q.Data.Span.Slice((int)q.Layout.GetOffset(0, head, query, 0), 64);
        ReadOnlySpan<float> keyRow = k.Data.Span.Slice((int)k.Layout.GetOffset(0, kvHead, key, 0), 64);
        double sum = 0;
        for (int d = 0; d < 64; d++)
        {
            sum += queryRow[d] * (double)keyRow[d];
        }

        return sum / 8;
    }

    private static IEnumerable<TestCaseData> BadOptions()
    {
        yield return new TestCaseData(Options() with { Heads = 3 }).SetName("HeadsNotAMultipleOfKvHeads");
        yield return new TestCaseData(Options() with { HeadKinds = [VideoHeadKind.Grid] }).SetName("KindsNotOnePerHead");
        yield return new TestCaseData(Options() with { HeadDim = 30 }).SetName("HeadDimTooSmall");
        yield return new TestCaseData(Options() with { HeadDim = 65 }).SetName("HeadDimOdd");
        yield return new TestCaseData(Options() with { GridPhase = 16 }).SetName("PhasePastTheStride");
        yield return new TestCaseData(Options() with { GridStride = 1 }).SetName("StrideOne");
        yield return new TestCaseData(Options() with { NoiseLevel = double.NaN }).SetName("NoiseNaN");
        yield return new TestCaseData(Options() with { LogitScale = 0 }).SetName("LogitScaleZero");
        yield return new TestCaseData(Options() with { LogitScale = 9 }).SetName("LogitScaleAboveEight");
        yield return new TestCaseData(Options() with { Modalities = ModalityMap.AllText(50) }).SetName("NoVideoAndNoStride");
        yield return new TestCaseData(Options() with { HeadKinds = [VideoHeadKind.Grid, VideoHeadKind.Grid, VideoHeadKind.Grid, (VideoHeadKind)9] }).SetName("UnknownKind");
    }

    [TestCaseSource(nameof(BadOptions))]
    public void BadOptionsAreRejectedNamingTheOption(VideoAttentionOptions options) =>
        Assert.That(() => VideoAttentionData.Generate(options), Throws.InstanceOf<ArgumentException>().With.Message.Contain("options.").Or.Message.Contain("stride"));
}

using MInference.Evaluation;
using MInference.Multimodal;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;

namespace MInference.Tests.Multimodal;

/// <summary>Grid heads as pattern-file entries (<c>["grid", kept_blocks, 0, score]</c>) and as search candidates.</summary>
public sealed class GridPatternFileTests
{
    private static readonly ModalityMap s_video = new([ModalitySegment.Text(0, 128), ModalitySegment.OfVideo(128, new VideoGeometry(15, 8, 8))]);

    [Test]
    public void AGridEntryLoadsAndWritesBackInTheExtendedFormat()
    {
        const string text = "[\n  {\n    \"0\": [\"grid\", 12, 0, 0.9],\n    \"1\": [\"dense\", 0, 0, 1]\n  }\n]\n";
        HeadPatternConfig config = HeadPatternConfig.Parse(text, "grid.json", expectedLayerCount: 1, expectedHeadCount: 2);
        Assert.Multiple(() =>
        {
            Assert.That(config[0, 0], Is.EqualTo(new HeadPatternEntry(new GridPattern(12), 0.9)));
            Assert.That(config[0, 0].Pattern.ToString(), Is.EqualTo("grid(12)"));
            Assert.That(config.ToJson(), Is.EqualTo(text), "the extended form round-trips");
            Assert.That(() => config.ToJson(PatternConfigFormat.MInference, 1024), Throws.ArgumentException.With.Message.Contain("grid(12)"), "MInference's loader cannot read it");
        });
    }

    [TestCase("""[{"0": ["grid", 0, 0, 1]}]""", "kept_blocks")]
    [TestCase("""[{"0": ["grid", -3, 0, 1]}]""", "kept_blocks")]
    public void ABadGridEntryIsRejectedByName(string text, string expected) =>
        Assert.That(() => HeadPatternConfig.Parse(text, "bad.json", 1, 1), Throws.InstanceOf<PatternConfigException>().With.Message.Contain(expected));

    [Test]
    public void GridCandidatesJoinTheSearchOnlyOnAPromptWithVideo()
    {
        int n = s_video.SequenceLength;
        Assert.Multiple(() =>
        {
            Assert.That(SearchCandidates.For(n).OfType<GridPattern>(), Is.Empty, "no map: a text prompt");
            Assert.That(SearchCandidates.For(n, ModalityMap.AllText(n)).OfType<GridPattern>(), Is.Empty, "all text");
            Assert.That(SearchCandidates.For(n, s_video).OfType<GridPattern>().Select(pattern => pattern.KeptBlocks), Is.EqualTo(new[] { 2, 2, 2, 2 }.Distinct()),
                "16 blocks: 1/64 to 1/8 of them, at least 2, de-duplicated");
            Assert.That(SearchCandidates.For(65536, new ModalityMap([ModalitySegment.OfVideo(0, new VideoGeometry(256, 16, 16))])).OfType<GridPattern>().Select(pattern => pattern.KeptBlocks),
                Is.EqualTo(new[] { 16, 32, 64, 128 }));
            Assert.That(new GridPattern(3), Is.InstanceOf<HeadPattern>().And.Property(nameof(HeadPattern.JsonName)).EqualTo("grid"));
            Assert.That(() => new GridPattern(0), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void BoundaryEntriesLoadAndWriteBack()
    {
        const string text = "[\n  {\n    \"0\": [\"q_boundary\", 3, 5, 1],\n    \"1\": [\"k_boundary\", 2, 4, 0.5],\n    \"2\": [\"2d_boundary\", 6, 0, 0.25]\n  }\n]\n";
        HeadPatternConfig config = HeadPatternConfig.Parse(text, "boundary.json", expectedLayerCount: 1, expectedHeadCount: 3);
        Assert.Multiple(() =>
        {
            Assert.That(config[0, 0].Pattern, Is.EqualTo(new BoundaryPattern(BoundaryKind.Query, 3, 5)));
            Assert.That(config[0, 1].Pattern, Is.EqualTo(new BoundaryPattern(BoundaryKind.Key, 2, 4)));
            Assert.That(config[0, 2].Pattern.ToString(), Is.EqualTo("2d_boundary(6, 0)"), "a 2D head may keep nothing of the other modality");
            Assert.That(config.ToJson(), Is.EqualTo(text));
            Assert.That(() => config.ToJson(PatternConfigFormat.MInference, 1024), Throws.ArgumentException.With.Message.Contain("q_boundary(3, 5)"));
            Assert.That(() => HeadPatternConfig.Parse("""[{"0": ["k_boundary", 2, 0, 1]}]""", "bad.json", 1, 1),
                Throws.InstanceOf<PatternConfigException>().With.Message.Contain("second_blocks"), "video rows of a K-boundary head need a block");
        });
    }

    [Test]
    public void BoundaryCandidatesJoinTheSearchOnlyWithBothModalities()
    {
        int n = s_video.SequenceLength;
        var videoOnly = new ModalityMap([ModalitySegment.OfVideo(0, new VideoGeometry(16, 8, 8))]);
        Assert.Multiple(() =>
        {
            Assert.That(SearchCandidates.For(n, s_video).OfType<BoundaryPattern>().Select(pattern => pattern.Boundary).Distinct(),
                Is.EquivalentTo(new[] { BoundaryKind.Query, BoundaryKind.Key, BoundaryKind.TwoD }));
            Assert.That(SearchCandidates.For(videoOnly.SequenceLength, videoOnly).OfType<BoundaryPattern>(), Is.Empty, "no text: no boundary");
            Assert.That(SearchCandidates.For(n).OfType<BoundaryPattern>(), Is.Empty, "no map");
        });
    }
}

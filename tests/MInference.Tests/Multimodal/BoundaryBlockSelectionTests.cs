using MInference.Multimodal;
using MInference.Sparse.References;
using MInference.Synthetic;

namespace MInference.Tests.Multimodal;

/// <summary>
/// Boundary heads: the modality order, and block selection run through
/// <see cref="PermutedBlockReference"/> — dense where the budgets cover everything, the same sets
/// as attention over <see cref="PermutedBlockIndex.VisibleKeys"/> in original order elsewhere (both in
/// double, rounded to float: tolerance 1e-5).
/// </summary>
public sealed class BoundaryBlockSelectionTests
{
    private const float Tolerance = 1e-5f;

    private static readonly ModalityMap s_prompt = new(
    [
        ModalitySegment.Text(0, 70), ModalitySegment.OfVideo(70, new VideoGeometry(6, 8, 8)), ModalitySegment.Text(454, 1),
        ModalitySegment.OfVideo(455, new VideoGeometry(3, 8, 8)), ModalitySegment.Text(647, 60),
    ]);

    [Test]
    public void TheModalityOrderGroupsTextThenVideoAndCanGridTheVideo()
    {
        (TokenOrder plain, IReadOnlyList<ModalityGroup> groups) = ModalityOrder.Build(s_prompt);
        (TokenOrder gridded, _) = ModalityOrder.Build(s_prompt, new GridEstimate(64, 6, 3, 3));
        int[] slots = plain.OriginalOrder.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(groups, Is.EqualTo(new[] { new ModalityGroup(Modality.Text, 0, 131), new ModalityGroup(Modality.Video, 131, 576) }));
            Assert.That(slots[..131], Is.EqualTo(Enumerable.Range(0, 70).Append(454).Concat(Enumerable.Range(647, 60))));
            Assert.That(slots[131], Is.EqualTo(70));
            Assert.That(gridded.OriginalOrder[..131].ToArray(), Is.EqualTo(slots[..131]), "text keeps ascending order");
            Assert.That(gridded.OriginalOrder.Slice(131, 9).ToArray(), Is.EqualTo(new[] { 70, 134, 198, 262, 326, 390, 518, 582, 646 }), "video by phase class (≡ 6 mod 64) first");
        });
    }

    [Test]
    public void TheDeviceRulesGridTheVideoGroupOfHeadsWhoseVideoRowsShowAGrid()
    {
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions
        {
            Modalities = s_prompt, Heads = 4, KvHeads = 4, HeadDim = 32, Seed = 11,
            HeadKinds = [VideoHeadKind.QueryBoundary, VideoHeadKind.KeyBoundary, VideoHeadKind.TwoDBoundary, VideoHeadKind.Text],
        });
        PermutedBlockIndex index = BoundaryBlockSelection.SelectInModalityOrder(data.Q, data.K, [0, 1, 2, 3], s_prompt, new BoundaryPattern(BoundaryKind.TwoD, 2, 1));
        (TokenOrder plain, _) = ModalityOrder.Build(s_prompt);
        int[] Video(int slot) => index.Order(0, slot).OriginalOrder[131..].ToArray();
        Assert.Multiple(() =>
        {
            for (int slot = 0; slot < 4; slot++)
            {
                Assert.That(index.Order(0, slot).OriginalOrder[..131].ToArray(), Is.EqualTo(plain.OriginalOrder[..131].ToArray()), $"head {slot}: text in position order");
            }

            Assert.That(Video(0), Is.Not.Ordered, "Q-boundary: video rows show the grid");
            Assert.That(Video(2), Is.Not.Ordered, "2D-boundary: video rows show the grid");
            Assert.That(Video(1), Is.Ordered, "K-boundary: no grid, position order");
            Assert.That(Video(3), Is.Ordered, "text head: no grid, position order");
        });
        PermutedBlockIndex keyPattern = BoundaryBlockSelection.SelectInModalityOrder(data.Q, data.K, [0, 2], s_prompt, new BoundaryPattern(BoundaryKind.Key, 2, 1));
        Assert.That(keyPattern.Order(0, 0).OriginalOrder.ToArray(), Is.EqualTo(plain.OriginalOrder.ToArray()), "K-boundary patterns keep position order, even on a head whose video rows show a grid");
        Assert.That(keyPattern.Order(0, 1).OriginalOrder.ToArray(), Is.EqualTo(plain.OriginalOrder.ToArray()));
    }

    /// <summary>Both rule sets: the paper's (<see cref="BoundaryBlockSelection.Estimate"/>) and the device's (<see cref="BoundaryBlockSelection.SelectInModalityOrder"/>).</summary>
    [Test]
    public void BudgetsCoveringEverythingGiveDenseAttention(
        [Values(BoundaryKind.Query, BoundaryKind.Key, BoundaryKind.TwoD)] BoundaryKind kind, [Values] bool deviceRules)
    {
        VideoAttentionData data = Data(batch: 2);
        int[] heads = [0, 1, 2, 3];
        var everything = new BoundaryPattern(kind, 1 << 20, 1 << 20);
        PermutedBlockIndex index = deviceRules
            ? BoundaryBlockSelection.SelectInModalityOrder(data.Q, data.K, heads, s_prompt, everything)
            : BoundaryBlockSelection.Estimate(data.Q, data.K, heads, s_prompt, everything);
        float[] actual = Run(data, index, out float[] lse);
        var dense = new float[actual.Length];
        var denseLse = new float[lse.Length];
        SparseAttentionReference.DenseCausal(data.Q, data.K, data.V, heads, new HostTensor(dense, data.Q.Layout), denseLse);
        Assert.Multiple(() =>
        {
            Assert.That(actual, Is.EqualTo(dense).Within(Tolerance));
            Assert.That(lse, Is.EqualTo(denseLse).Within(Tolerance));
        });
    }

    [TestCase(BoundaryKind.Query, 3, 5, 3, 5)]
    [TestCase(BoundaryKind.Key, 2, 4, 6, 6)]
    [TestCase(BoundaryKind.TwoD, 2, 4, 6, 5)]
    public void TheDeviceRulesGiveRowsOfFixedLengthByModality(BoundaryKind kind, int first, int second, int textRow, int videoRow)
    {
        // 131 text tokens (3 blocks, the third shared with video) and 576 video tokens: 12 blocks.
        VideoAttentionData data = Data(batch: 1);
        PermutedBlockIndex index = BoundaryBlockSelection.SelectInModalityOrder(data.Q, data.K, [1], s_prompt, new BoundaryPattern(kind, first, second));
        Assert.Multiple(() =>
        {
            for (int block = 0; block < 12; block++)
            {
                int[] kept = index.Blocks.GetBlocks(0, 0, block).ToArray();
                Assert.That(kept, Has.Length.EqualTo(block < 3 ? textRow : videoRow), $"block {block}");
                Assert.That(kept, Does.Contain(block), "the diagonal");
                Assert.That(kept, Is.Ordered.And.Unique);
            }
        });
    }

    [TestCase(BoundaryKind.Query, 1, 3)]
    [TestCase(BoundaryKind.Key, 2, 1)]
    [TestCase(BoundaryKind.TwoD, 2, 0)]
    public void SmallBudgetsMatchAttentionOverTheVisibleKeys(BoundaryKind kind, int first, int second)
    {
        VideoAttentionData data = Data(batch: 1);
        int[] heads = [1, 0];
        PermutedBlockIndex index = BoundaryBlockSelection.Estimate(data.Q, data.K, heads, s_prompt, new BoundaryPattern(kind, first, second));
        float[] actual = Run(data, index, out float[] lse);
        var row = new double[64];
        Assert.Multiple(() =>
        {
            Assert.That(index.Density(0, 0), Is.LessThan(1), "some entries skipped");
            for (int slot = 0; slot < heads.Length; slot++)
            {
                Func<int, int[]> visible = index.VisibleKeys(0, slot);
                for (int i = 0; i < s_prompt.SequenceLength; i++)
                {
                    int[] keys = visible(i);
                    Assert.That(keys, Does.Contain(i), $"row {i} sees its own key");
                    double expectedLse = SparseAttentionReference.AttendRow(data.Q, data.K, data.V, 0, heads[slot], i, keys, row);
                    int offset = (int)data.Q.Layout.GetOffset(0, heads[slot], i, 0);
                    Assert.That(actual.AsSpan(offset, 64).ToArray(), Is.EqualTo(row.Select(x => (float)x).ToArray()).Within(Tolerance), $"head {heads[slot]} row {i}");
                    Assert.That(lse[(heads[slot] * s_prompt.SequenceLength) + i], Is.EqualTo((float)expectedLse).Within(Tolerance));
                }
            }
        });
    }

    [Test]
    public void BadArgumentsAreRejected()
    {
        VideoAttentionData data = Data(batch: 1);
        Assert.Multiple(() =>
        {
            Assert.That(() => BoundaryBlockSelection.Estimate(data.Q, data.K, [0], ModalityMap.AllText(5), new BoundaryPattern(BoundaryKind.Key, 1, 1)), Throws.ArgumentException.With.Message.Contain("modality map"));
            Assert.That(() => BoundaryBlockSelection.Estimate(data.Q, data.K, [0], s_prompt, new BoundaryPattern(BoundaryKind.Key, -1, 1)), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => BoundaryBlockSelection.Estimate(data.Q, data.K, [0], s_prompt, new BoundaryPattern((BoundaryKind)5, 1, 1)), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => ModalityOrder.Build(s_prompt, new GridEstimate(8, 8, 1, 1)), Throws.TypeOf<ArgumentOutOfRangeException>());
            ModalityMap manyVideos = new([.. Enumerable.Range(0, 257).SelectMany(i => (ModalitySegment[])[ModalitySegment.Text(i * 5, 1), ModalitySegment.OfVideo((i * 5) + 1, new VideoGeometry(1, 2, 2))])]);
            Assert.That(() => BoundaryOrdering.Of(manyVideos), Throws.ArgumentException.With.Message.Contain("257 video segments"));
            Assert.That(BoundaryOrdering.Of(s_prompt).Segments, Is.EqualTo(new[] { 70, 454, 455, 647 }));
        });
    }

    private static VideoAttentionData Data(int batch) => VideoAttentionData.Generate(new VideoAttentionOptions
    {
        Modalities = s_prompt, BatchSize = batch, Heads = 4, KvHeads = 2, HeadDim = 64, Seed = 9, GridPhase = 6,
        HeadKinds = [VideoHeadKind.Grid, VideoHeadKind.Text, VideoHeadKind.Grid, VideoHeadKind.Text],
    });

    private static float[] Run(VideoAttentionData data, PermutedBlockIndex index, out float[] logSumExp)
    {
        var output = new float[data.Q.Layout.ElementCount];
        logSumExp = new float[data.Q.Layout.ElementCount / data.Q.Layout.Lengths[3]];
        PermutedBlockReference.Run(data.Q, data.K, data.V, index, new HostTensor(output, data.Q.Layout), logSumExp);
        return output;
    }
}

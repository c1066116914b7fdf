using MInference.Multimodal;
using MInference.Sparse.References;
using MInference.Synthetic;

namespace MInference.Tests.Multimodal;

/// <summary>
/// The explicit grid reference (permute → masked dense → inverse permute) against the dense causal
/// reference where the kept blocks cover everything, and against attention over
/// <see cref="PermutedBlockIndex.VisibleKeys"/> in original order elsewhere. Both sides compute in double
/// and round to float; they sum the same keys in different orders, so they agree to float rounding
/// (relative 1e-6 of values of order 1: tolerance 1e-5).
/// </summary>
public sealed class PermutedBlockReferenceTests
{
    private const float Tolerance = 1e-5f;

    private static ModalityMap Prompt(int n, int frames, int height, int width, int textBefore)
    {
        int video = frames * height * width;
        var segments = new List<ModalitySegment>();
        if (textBefore > 0)
        {
            segments.Add(ModalitySegment.Text(0, textBefore));
        }

        segments.Add(ModalitySegment.OfVideo(textBefore, new VideoGeometry(frames, height, width)));
        if (n > textBefore + video)
        {
            segments.Add(ModalitySegment.Text(textBefore + video, n - textBefore - video));
        }

        return new ModalityMap(segments);
    }

    private static IEnumerable<TestCaseData> Shapes()
    {
        // N, frames, h, w, text before, batch, heads, kv heads, head_dim
        yield return new TestCaseData(64, 4, 4, 4, 0, 1, 1, 1, 64).SetName("N64_VideoOnly");
        yield return new TestCaseData(65, 4, 4, 4, 1, 1, 2, 1, 64).SetName("N65_OneTextTokenFirst_Gqa2");
        yield return new TestCaseData(1000, 15, 8, 8, 40, 2, 4, 2, 96).SetName("N1000_Batch2_Gqa2_D96");
        yield return new TestCaseData(700, 10, 7, 9, 70, 1, 2, 2, 128).SetName("N700_FramesNotFillingABlock_D128");
    }

    [TestCaseSource(nameof(Shapes))]
    public void KeptBlocksCoveringEverythingGiveDenseAttention(int n, int frames, int height, int width, int textBefore, int batch, int heads, int kvHeads, int headDim)
    {
        (VideoAttentionData data, ModalityMap map) = Data(n, frames, height, width, textBefore, batch, heads, kvHeads, headDim);
        int[] all = [.. Enumerable.Range(0, heads)];
        PermutedBlockIndex index = GridBlockSelection.Estimate(data.Q, data.K, all, map, new GridPattern(KeptBlocks: 1 << 20));
        float[] grid = Run(data, index, out float[] gridLse);
        var dense = new float[grid.Length];
        var denseLse = new float[gridLse.Length];
        SparseAttentionReference.DenseCausal(data.Q, data.K, data.V, all, new HostTensor(dense, data.Q.Layout), denseLse);
        Assert.Multiple(() =>
        {
            Assert.That(grid, Is.EqualTo(dense).Within(Tolerance));
            Assert.That(gridLse, Is.EqualTo(denseLse).Within(Tolerance));
            Assert.That(index.Density(0, 0), Is.EqualTo(1).Within(1e-12));
        });
    }

    [TestCaseSource(nameof(Shapes))]
    public void ThePermutedComputationMatchesTheVisibleKeysInOriginalOrder(int n, int frames, int height, int width, int textBefore, int batch, int heads, int kvHeads, int headDim)
    {
        (VideoAttentionData data, ModalityMap map) = Data(n, frames, height, width, textBefore, batch, heads, kvHeads, headDim);
        int[] gridHeads = heads == 1 ? [0] : [heads - 1, 0];
        PermutedBlockIndex index = GridBlockSelection.Estimate(data.Q, data.K, gridHeads, map, new GridPattern(KeptBlocks: 1));
        float[] grid = Run(data, index, out float[] gridLse);
        var row = new double[headDim];
        Assert.Multiple(() =>
        {
            for (int b = 0; b < batch; b++)
            {
                for (int slot = 0; slot < gridHeads.Length; slot++)
                {
                    int head = gridHeads[slot];
                    Func<int, int[]> visible = index.VisibleKeys(b, slot);
                    for (int i = 0; i < n; i++)
                    {
                        int[] keys = visible(i);
                        Assert.That(keys, Does.Contain(i), $"row {i} sees its own key");
                        double lse = SparseAttentionReference.AttendRow(data.Q, data.K, data.V, b, head, i, keys, row);
                        long offset = data.Q.Layout.GetOffset(b, head, i, 0);
                        Assert.That(grid.AsSpan((int)offset, headDim).ToArray(), Is.EqualTo(row.Select(x => (float)x).ToArray()).Within(Tolerance), $"batch {b} head {head} row {i}");
                        Assert.That(gridLse[(((b * heads) + head) * n) + i], Is.EqualTo((float)lse).Within(Tolerance));
                    }
                }
            }
        });
    }

    [Test]
    public void AGridHeadKeepsFewBlocksAndStaysCloseToDense()
    {
        // 32 frames of 8 × 8 patches between text: N = 2,148, stride 64.
        (VideoAttentionData data, ModalityMap map) = Data(2148, 32, 8, 8, 50, 1, 1, 1, 128);
        PermutedBlockIndex index = GridBlockSelection.Estimate(data.Q, data.K, [0], map, new GridPattern(KeptBlocks: 4));
        float[] grid = Run(data, index, out _);
        var dense = new float[grid.Length];
        SparseAttentionReference.DenseCausal(data.Q, data.K, data.V, [0], new HostTensor(dense, data.Q.Layout));
        double error = Math.Sqrt(grid.Zip(dense, (a, b) => ((double)a - b) * ((double)a - b)).Sum() / dense.Sum(x => (double)x * x));
        Assert.Multiple(() =>
        {
            Assert.That(GridEstimation.Estimate(data.Q, data.K, 0, 0, map).Stride, Is.EqualTo(64));
            Assert.That(index.Density(0, 0), Is.LessThan(0.25), "kept share of the causal pairs");
            Assert.That(error, Is.LessThan(0.05), "relative L2 against dense");
        });
    }

    [Test]
    public void BadArgumentsAreRejected()
    {
        (VideoAttentionData data, ModalityMap map) = Data(200, 3, 8, 8, 8, 1, 1, 1, 64);
        Assert.Multiple(() =>
        {
            Assert.That(() => GridBlockSelection.Estimate(data.Q, data.K, [0], ModalityMap.AllText(199), new GridPattern(1)), Throws.ArgumentException.With.Message.Contain("modality map"));
            Assert.That(() => GridBlockSelection.Estimate(data.Q, data.K, [0], map, new GridPattern(-1)), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => GridBlockSelection.Estimate(data.Q, data.K, [1], map, new GridPattern(1)), Throws.InstanceOf<ArgumentException>());
            Assert.That(() => GridBlockSelection.Estimate(data.Q, data.K, [], map, new GridPattern(1)), Throws.ArgumentException);
        });
    }

    private static (VideoAttentionData Data, ModalityMap Map) Data(int n, int frames, int height, int width, int textBefore, int batch, int heads, int kvHeads, int headDim)
    {
        ModalityMap map = Prompt(n, frames, height, width, textBefore);
        return (VideoAttentionData.Generate(new VideoAttentionOptions
        {
            Modalities = map, BatchSize = batch, Heads = heads, KvHeads = kvHeads, HeadDim = headDim, GridPhase = 3 % (height * width), Seed = n,
        }), map);
    }

    private static float[] Run(VideoAttentionData data, PermutedBlockIndex index, out float[] logSumExp)
    {
        var output = new float[data.Q.Layout.ElementCount];
        logSumExp = new float[data.Q.Layout.ElementCount / data.Q.Layout.Lengths[3]];
        PermutedBlockReference.Run(data.Q, data.K, data.V, index, new HostTensor(output, data.Q.Layout), logSumExp);
        return output;
    }
}

using MInference.Multimodal;
using MInference.Sparse.Gpu;
using MInference.Synthetic;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// Device grid estimation (vertical-slash profiles, then <see cref="GridGpu.Estimate"/>) against
/// <see cref="GridEstimation"/> on the same rounded inputs: the planted grid heads get the CPU's
/// stride and phase, and every row's order is the phase-class order of its own stride and phase.
/// Text heads' scores are flat, so only their orders are checked (fp32 against double profiles may
/// pick another of near-tied candidates there).
/// </summary>
public sealed class GridEstimateGpuTests : GpuFixture
{
    private static IEnumerable<TestCaseData> Cases()
    {
        // text before, frames, h, w, text after, noise, dtype
        yield return new TestCaseData(100, 8, 8, 8, 40, 0.25, DType.BFloat16).SetName("Frames8x8_Bf16");
        yield return new TestCaseData(0, 12, 6, 6, 1, 0.25, DType.Float16).SetName("VideoFirst_Frames6x6_Fp16");
        yield return new TestCaseData(128, 24, 16, 16, 128, 0.25, DType.BFloat16).SetName("N6400_Frames16x16");
        yield return new TestCaseData(60, 64, 4, 4, 40, 0.5, DType.BFloat16).SetName("NoisyStride16_SampledMedians");
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheCpuEstimate(int before, int frames, int height, int width, int after, double noise, DType dtype)
    {
        var segments = new List<ModalitySegment>();
        if (before > 0)
        {
            segments.Add(ModalitySegment.Text(0, before));
        }

        segments.Add(ModalitySegment.OfVideo(before, new VideoGeometry(frames, height, width)));
        segments.Add(ModalitySegment.Text(segments[^1].End, after));
        var map = new ModalityMap(segments);
        int n = map.SequenceLength;
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions
        {
            Modalities = map, BatchSize = 2, Heads = 4, KvHeads = 2, HeadDim = 64, NoiseLevel = noise, Seed = n, GridPhase = 7 % (height * width),
            HeadKinds = [VideoHeadKind.Grid, VideoHeadKind.Text, VideoHeadKind.Grid, VideoHeadKind.Text],
        });
        (ushort[] qBits, ReadOnlyHostTensor q) = DTypeRounding.RoundTo(dtype, data.Q);
        (ushort[] kBits, ReadOnlyHostTensor k) = DTypeRounding.RoundTo(dtype, data.K);
        using DeviceBuffer qBuffer = Upload<ushort>(qBits);
        using DeviceBuffer kBuffer = Upload<ushort>(kBits);
        int[] heads = [0, 1, 2, 3];
        using DeviceVerticalSlashScores scores = VerticalSlashGpu.Estimate(Context, new DeviceTensor(qBuffer, dtype, q.Layout), new DeviceTensor(kBuffer, dtype, k.Layout), heads);
        using DeviceGridEstimate estimate = GridGpu.Estimate(Context, scores, map);
        Context.Synchronize();
        var strides = new int[8];
        var phases = new int[8];
        var order = new int[8 * n];
        estimate.Strides.CopyToHost<int>(strides);
        estimate.Phases.CopyToHost<int>(phases);
        estimate.Order.CopyToHost<int>(order);
        Assert.Multiple(() =>
        {
            for (int batch = 0; batch < 2; batch++)
            {
                foreach (int head in heads)
                {
                    int row = (batch * 4) + head;
                    if (data.KindOf(head) == VideoHeadKind.Grid)
                    {
                        GridEstimate cpu = GridEstimation.Estimate(q, k, batch, head, map);
                        Assert.That((strides[row], phases[row]), Is.EqualTo((cpu.Stride, cpu.Phase)), $"batch {batch} head {head}: CPU {cpu}");
                    }

                    int[] expected = strides[row] == 1 ? [.. Enumerable.Range(0, n)] : new GridPermutation(n, strides[row], phases[row]).OriginalOrder.ToArray();
                    Assert.That(order.AsSpan(row * n, n).ToArray(), Is.EqualTo(expected), $"batch {batch} head {head}: order of stride {strides[row]}, phase {phases[row]}");
                }
            }
        });
    }
}

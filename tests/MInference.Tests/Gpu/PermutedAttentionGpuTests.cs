using MInference.Multimodal;
using MInference.Synthetic;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// The permuted-block kernel (grid heads here) against <see cref="PermutedBlockReference"/> (explicit permute → masked
/// dense → inverse permute) on synthetic vision-language prompts rounded to the dtype, with the
/// index estimated on the CPU from the same rounded inputs: every head_dim and dtype, N from one
/// block to several thousand (frames that do not fill a block, text of length 1 first or last,
/// a video at the very start), GQA 4/2 and batch 2. Only heads 0 and 3 are grid heads: the others
/// must keep their NaN poison.
/// </summary>
public sealed class PermutedAttentionGpuTests : GpuFixture
{
    private const byte NaNPoison = 0xFF;
    private static readonly int[] s_gridHeads = [3, 0];

    private static IEnumerable<TestCaseData> Cases()
    {
        // N (from the segments), text before, frames, h, w, text after, batch, top-k
        (int Before, int Frames, int Height, int Width, int After, int Batch, int TopK)[] shapes =
        [
            (0, 4, 4, 4, 0, 1, 1),       // N = 64: one block
            (1, 4, 4, 4, 0, 2, 1),       // N = 65: one text token first, batch 2
            (40, 15, 8, 8, 0, 1, 2),     // N = 1000: video at the end
            (0, 12, 9, 9, 1, 1, 2),      // N = 973: video at the start, one text token last; 81-token frames
            (96, 62, 8, 8, 32, 2, 4),    // N = 4096, batch 2
        ];
        foreach (TestCaseData large in LargeCase())
        {
            yield return large;
        }

        foreach ((int before, int frames, int height, int width, int after, int batch, int topK) in shapes)
        {
            foreach (int headDim in AttentionHeadDims.Supported)
            {
                foreach (DType dtype in (DType[])[DType.BFloat16, DType.Float16])
                {
                    int n = before + (frames * height * width) + after;
                    yield return new TestCaseData(before, frames, height, width, after, batch, topK, headDim, dtype)
                        .SetName($"N{n}_B{batch}_D{headDim}_{dtype}_frames{frames}x{height}x{width}_topk{topK}");
                }
            }
        }
    }

    // N = 16,384 (64 frames of 16 × 16 between text), one head_dim and dtype: the CPU reference takes seconds here.
    private static IEnumerable<TestCaseData> LargeCase()
    {
        yield return new TestCaseData(128, 63, 16, 16, 128, 1, 4, 128, DType.BFloat16).SetName("N16384_B1_D128_BFloat16_frames63x16x16_topk4");
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheCpuReference(int before, int frames, int height, int width, int after, int batch, int topK, int headDim, DType dtype)
    {
        var segments = new List<ModalitySegment>();
        if (before > 0)
        {
            segments.Add(ModalitySegment.Text(0, before));
        }

        segments.Add(ModalitySegment.OfVideo(before, new VideoGeometry(frames, height, width)));
        if (after > 0)
        {
            segments.Add(ModalitySegment.Text(segments[^1].End, after));
        }

        var map = new ModalityMap(segments);
        int n = map.SequenceLength;
        int seed = RandomValues.StableSeed($"grid {n} {batch} {headDim} {dtype}");
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions
        {
            Modalities = map, BatchSize = batch, Heads = 4, KvHeads = 2, HeadDim = headDim, Seed = seed, GridPhase = 5 % (height * width),
            HeadKinds = [VideoHeadKind.Grid, VideoHeadKind.Text, VideoHeadKind.Text, VideoHeadKind.Grid],
        });
        (ushort[] qBits, ReadOnlyHostTensor q) = DTypeRounding.RoundTo(dtype, data.Q);
        (ushort[] kBits, ReadOnlyHostTensor k) = DTypeRounding.RoundTo(dtype, data.K);
        (ushort[] vBits, ReadOnlyHostTensor v) = DTypeRounding.RoundTo(dtype, data.V);
        PermutedBlockIndex index = GridBlockSelection.Estimate(q, k, s_gridHeads, map, new GridPattern(topK));
        var expected = new float[q.Layout.RequiredElementCount];
        int logSumExpLength = batch * 4 * n;
        var expectedLogSumExp = new float[logSumExpLength];
        PermutedBlockReference.Run(q, k, v, index, new HostTensor(expected, q.Layout), expectedLogSumExp);

        (float[] actual, float[] logSumExp) = RunOnDevice(q, k, v, qBits, kBits, vBits, dtype, index, logSumExpLength);
        HeadSubsetAssert.Matches(
            $"grid N={n} batch {batch} D={headDim} {dtype} (seed {seed})", dtype, q.Layout, s_gridHeads, [.. Enumerable.Range(0, n)], actual, expected, logSumExp, expectedLogSumExp);
    }

    [TestCase(BoundaryKind.Query, 1, 2, DType.BFloat16, 64)]
    [TestCase(BoundaryKind.Key, 2, 1, DType.Float16, 96)]
    [TestCase(BoundaryKind.TwoD, 2, 0, DType.BFloat16, 128)]
    public void BoundaryHeadsMatchTheCpuReference(BoundaryKind kind, int first, int second, DType dtype, int headDim)
    {
        // Text, video, one text token, video, text: N = 767.
        var map = new ModalityMap(
        [
            ModalitySegment.Text(0, 70), ModalitySegment.OfVideo(70, new VideoGeometry(6, 8, 8)), ModalitySegment.Text(454, 1),
            ModalitySegment.OfVideo(455, new VideoGeometry(3, 8, 8)), ModalitySegment.Text(647, 120),
        ]);
        int n = map.SequenceLength;
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions
        {
            Modalities = map, BatchSize = 2, Heads = 4, KvHeads = 2, HeadDim = headDim, Seed = (int)kind, GridPhase = 6,
            HeadKinds = [VideoHeadKind.Grid, VideoHeadKind.Text, VideoHeadKind.Text, VideoHeadKind.Grid],
        });
        (ushort[] qBits, ReadOnlyHostTensor q) = DTypeRounding.RoundTo(dtype, data.Q);
        (ushort[] kBits, ReadOnlyHostTensor k) = DTypeRounding.RoundTo(dtype, data.K);
        (ushort[] vBits, ReadOnlyHostTensor v) = DTypeRounding.RoundTo(dtype, data.V);
        PermutedBlockIndex index = BoundaryBlockSelection.Estimate(q, k, s_gridHeads, map, new BoundaryPattern(kind, first, second));
        var expected = new float[q.Layout.RequiredElementCount];
        int logSumExpLength = 2 * 4 * n;
        var expectedLogSumExp = new float[logSumExpLength];
        PermutedBlockReference.Run(q, k, v, index, new HostTensor(expected, q.Layout), expectedLogSumExp);
        (float[] actual, float[] logSumExp) = RunOnDevice(q, k, v, qBits, kBits, vBits, dtype, index, logSumExpLength);
        HeadSubsetAssert.Matches(
            $"boundary {kind} D={headDim} {dtype}", dtype, q.Layout, s_gridHeads, [.. Enumerable.Range(0, n)], actual, expected, logSumExp, expectedLogSumExp);
    }

    [Test]
    public void AnIndexForAnotherShapeIsRejected()
    {
        var map = new ModalityMap([ModalitySegment.OfVideo(0, new VideoGeometry(4, 4, 4))]);
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions { Modalities = map, Heads = 1, KvHeads = 1, HeadDim = 64 });
        PermutedBlockIndex index = GridBlockSelection.Estimate(data.Q, data.K, [0], map, new GridPattern(1));
        using DevicePermutedBlockIndex deviceIndex = DevicePermutedBlockIndex.Upload(Context, index);
        var layout = TensorLayout.Bhsd(1, 1, 128, 64);
        using var buffer = new DeviceBuffer(Context, layout.ElementCount * sizeof(ushort));
        var tensor = new DeviceTensor(buffer, DType.BFloat16, layout);
        Assert.That(() => Attention.Permuted(Context, tensor, tensor, tensor, tensor, deviceIndex), Throws.ArgumentException);
    }

    private (float[] Output, float[] LogSumExp) RunOnDevice(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, ushort[] qBits, ushort[] kBits, ushort[] vBits, DType dtype, PermutedBlockIndex index, int logSumExpLength)
    {
        using DeviceBuffer qBuffer = Upload<ushort>(qBits);
        using DeviceBuffer kBuffer = Upload<ushort>(kBits);
        using DeviceBuffer vBuffer = Upload<ushort>(vBits);
        using var outputBuffer = new DeviceBuffer(Context, q.Layout.RequiredElementCount * sizeof(ushort));
        using var logSumExpBuffer = new DeviceBuffer(Context, logSumExpLength * sizeof(float));
        outputBuffer.Fill(NaNPoison);
        logSumExpBuffer.Fill(NaNPoison);
        using DevicePermutedBlockIndex deviceIndex = DevicePermutedBlockIndex.Upload(Context, index);
        Attention.Permuted(
            Context, new DeviceTensor(qBuffer, dtype, q.Layout), new DeviceTensor(kBuffer, dtype, k.Layout), new DeviceTensor(vBuffer, dtype, v.Layout),
            new DeviceTensor(outputBuffer, dtype, q.Layout), deviceIndex, logSumExpBuffer);
        Context.Synchronize();
        var outputBits = new ushort[q.Layout.RequiredElementCount];
        outputBuffer.CopyToHost<ushort>(outputBits);
        var actual = new float[outputBits.Length];
        HalfPrecision.Decode(outputBits, actual, dtype);
        var logSumExp = new float[logSumExpLength];
        logSumExpBuffer.CopyToHost<float>(logSumExp);
        return (actual, logSumExp);
    }
}

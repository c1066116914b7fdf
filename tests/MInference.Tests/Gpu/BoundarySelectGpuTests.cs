using MInference.Multimodal;
using MInference.Sparse;
using MInference.Synthetic;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// Device boundary selection (<see cref="BoundaryGpu.Select"/>) against
/// <see cref="BoundaryBlockSelection.SelectInModalityOrder"/> on the same rounded inputs, then the
/// device index through the permuted-block kernel against the CPU reference on that index. Scores
/// come from TF32 operands on the device and double on the CPU: two blocks of one tier and range may
/// swap when their CPU scores differ by less than 2^-8 of the larger Σ_d |Q̄_d · K̄_d| of the two.
/// </summary>
public sealed class BoundarySelectGpuTests : GpuFixture
{
    private const double NearTie = 1.0 / 256;
    private const byte NaNPoison = 0xFF;

    private static IEnumerable<TestCaseData> Cases()
    {
        // text before, frames, h, w, text after, batch, kind, first, second, head_dim, dtype
        yield return new TestCaseData(40, 6, 8, 8, 31, 2, BoundaryKind.Query, 3, 5, 64, DType.BFloat16).SetName("N455_Query_Batch2");
        yield return new TestCaseData(1, 15, 8, 8, 0, 1, BoundaryKind.Key, 2, 4, 96, DType.Float16).SetName("N961_Key_OneTextTokenFirst");
        yield return new TestCaseData(0, 12, 9, 9, 1, 1, BoundaryKind.TwoD, 3, 2, 128, DType.BFloat16).SetName("N973_TwoD_VideoFirst");
        yield return new TestCaseData(96, 62, 8, 8, 32, 2, BoundaryKind.TwoD, 6, 3, 128, DType.Float16).SetName("N4096_TwoD_Batch2");
        yield return new TestCaseData(0, 1, 8, 8, 0, 1, BoundaryKind.Key, 1, 1, 64, DType.BFloat16).SetName("N64_AllVideo_OneBlock");
        yield return new TestCaseData(30, 10, 7, 9, 40, 1, BoundaryKind.Query, 1000, 1000, 96, DType.BFloat16).SetName("N700_KeepEverything");
        yield return new TestCaseData(500, 0, 0, 0, 0, 1, BoundaryKind.TwoD, 2, 2, 64, DType.BFloat16).SetName("N500_AllText");
        yield return new TestCaseData(1, 1, 8, 8, 0, 1, BoundaryKind.Query, 1, 1, 64, DType.Float16).SetName("N65_OneTextTokenThenOneFrame");
        yield return new TestCaseData(40, 15, 8, 8, 0, 2, BoundaryKind.TwoD, 3, 4, 96, DType.BFloat16).SetName("N1000_VideoLast_Batch2");
        yield return new TestCaseData(256, 63, 16, 16, 0, 1, BoundaryKind.Query, 8, 16, 128, DType.BFloat16).SetName("N16384_Frames16x16");
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheCpuSelectionAndTheReference(
        int before, int frames, int height, int width, int after, int batch, BoundaryKind kind, int first, int second, int headDim, DType dtype) =>
        MatchesOn(Prompt(before, frames, height, width, after), batch, kind, first, second, headDim, dtype);

    /// <summary>
    /// Three videos (two adjacent, of different geometry) between text segments, one of them a single
    /// token: the closed-form order scatter against the CPU order, head by head, grid order included.
    /// </summary>
    [TestCase(BoundaryKind.TwoD, 4, 2, 64, DType.BFloat16)]
    [TestCase(BoundaryKind.Query, 2, 6, 128, DType.Float16)]
    public void InterleavedVideosMatchTheCpuSelectionAndTheReference(BoundaryKind kind, int first, int second, int headDim, DType dtype) =>
        MatchesOn(
            new ModalityMap(
            [
                ModalitySegment.Text(0, 70), ModalitySegment.OfVideo(70, new VideoGeometry(10, 8, 8)), ModalitySegment.Text(710, 1),
                ModalitySegment.OfVideo(711, new VideoGeometry(5, 8, 8)), ModalitySegment.OfVideo(1031, new VideoGeometry(4, 4, 4)), ModalitySegment.Text(1095, 33),
            ]),
            batch: 2, kind, first, second, headDim, dtype);

    private void MatchesOn(ModalityMap map, int batch, BoundaryKind kind, int first, int second, int headDim, DType dtype)
    {
        int n = map.SequenceLength;
        int seed = RandomValues.StableSeed($"boundary-select {n} {kind} {headDim} {dtype}");
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions
        {
            Modalities = map, BatchSize = batch, Heads = 4, KvHeads = 2, HeadDim = headDim, Seed = seed, GridStride = map.HasVideo ? 0 : 16,
            HeadKinds = [VideoHeadKind.QueryBoundary, VideoHeadKind.KeyBoundary, VideoHeadKind.TwoDBoundary, VideoHeadKind.Grid],
        });
        (ushort[] qBits, ReadOnlyHostTensor q) = DTypeRounding.RoundTo(dtype, data.Q);
        (ushort[] kBits, ReadOnlyHostTensor k) = DTypeRounding.RoundTo(dtype, data.K);
        (ushort[] vBits, ReadOnlyHostTensor v) = DTypeRounding.RoundTo(dtype, data.V);
        int[] heads = [2, 0, 1];
        var pattern = new BoundaryPattern(kind, first, second);
        using DeviceBuffer qBuffer = Upload<ushort>(qBits);
        using DeviceBuffer kBuffer = Upload<ushort>(kBits);
        using DeviceBuffer vBuffer = Upload<ushort>(vBits);
        var qDevice = new DeviceTensor(qBuffer, dtype, q.Layout);
        var kDevice = new DeviceTensor(kBuffer, dtype, k.Layout);
        using DevicePermutedBlockIndex index = BoundaryGpu.Select(Context, qDevice, kDevice, heads, map, pattern);
        using var outputBuffer = new DeviceBuffer(Context, q.Layout.RequiredElementCount * sizeof(ushort));
        int logSumExpLength = batch * 4 * n;
        using var logSumExpBuffer = new DeviceBuffer(Context, logSumExpLength * sizeof(float));
        outputBuffer.Fill(NaNPoison);
        logSumExpBuffer.Fill(NaNPoison);
        Attention.Permuted(Context, qDevice, kDevice, new DeviceTensor(vBuffer, dtype, v.Layout), new DeviceTensor(outputBuffer, dtype, q.Layout), index, logSumExpBuffer);
        Context.Synchronize();

        PermutedBlockIndex actual = index.Download();
        PermutedBlockIndex expected = BoundaryBlockSelection.SelectInModalityOrder(q, k, heads, map, pattern);
        Assert.That(actual.Blocks.RowPointers.ToArray(), Is.EqualTo(expected.Blocks.RowPointers.ToArray()), "row lengths by query modality");
        AssertRowsAgreeUpToNearTies(q, k, heads, map, actual, expected);

        var reference = new float[q.Layout.RequiredElementCount];
        var referenceLogSumExp = new float[logSumExpLength];
        PermutedBlockReference.Run(q, k, v, actual, new HostTensor(reference, q.Layout), referenceLogSumExp);
        var outputBits = new ushort[q.Layout.RequiredElementCount];
        outputBuffer.CopyToHost<ushort>(outputBits);
        var output = new float[outputBits.Length];
        HalfPrecision.Decode(outputBits, output, dtype);
        var logSumExp = new float[logSumExpLength];
        logSumExpBuffer.CopyToHost<float>(logSumExp);
        HeadSubsetAssert.Matches(
            $"boundary {kind} ({first}, {second}) N={n} batch {batch} D={headDim} {dtype}", dtype, q.Layout, heads, [.. Enumerable.Range(0, n)], output, reference, logSumExp, referenceLogSumExp);
    }

    [Test]
    public void BadArgumentsAreRejectedBeforeAnyWork()
    {
        ModalityMap map = Prompt(10, 4, 4, 4, 10);
        var layout = TensorLayout.Bhsd(1, 2, map.SequenceLength, 64);
        using var buffer = new DeviceBuffer(Context, layout.ElementCount * sizeof(ushort));
        var tensor = new DeviceTensor(buffer, DType.BFloat16, layout);
        Assert.Multiple(() =>
        {
            Assert.That(() => BoundaryGpu.Select(Context, tensor, tensor, [0], map, new BoundaryPattern(BoundaryKind.Key, -1, 2)), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => BoundaryGpu.Select(Context, tensor, tensor, [0], map, new BoundaryPattern((BoundaryKind)7, 1, 2)), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => BoundaryGpu.Select(Context, tensor, tensor, [0], ModalityMap.AllText(10), new BoundaryPattern(BoundaryKind.Key, 1, 2)), Throws.ArgumentException.With.Message.Contain("modality map"));
            Assert.That(() => BoundaryGpu.Select(Context, tensor, tensor, [5], map, new BoundaryPattern(BoundaryKind.Key, 1, 2)), Throws.InstanceOf<ArgumentException>());
        });
    }

    private static ModalityMap Prompt(int before, int frames, int height, int width, int after)
    {
        var segments = new List<ModalitySegment>();
        if (before > 0)
        {
            segments.Add(ModalitySegment.Text(0, before));
        }

        if (frames > 0)
        {
            segments.Add(ModalitySegment.OfVideo(before, new VideoGeometry(frames, height, width)));
        }

        if (after > 0)
        {
            segments.Add(ModalitySegment.Text(segments.Count == 0 ? 0 : segments[^1].End, after));
        }

        return new ModalityMap(segments);
    }

    private static void AssertRowsAgreeUpToNearTies(ReadOnlyHostTensor q, ReadOnlyHostTensor k, int[] heads, ModalityMap map, PermutedBlockIndex actual, PermutedBlockIndex expected)
    {
        TokenOrder plain = ModalityOrder.Build(map).Order;
        var problem = CausalProblem.Validate(q, k);
        int mismatches = 0, gridded = 0;
        for (int b = 0; b < problem.Batch; b++)
        {
            for (int slot = 0; slot < heads.Length; slot++)
            {
                TokenOrder order = expected.Order(b, slot);
                Assert.That(actual.Order(b, slot).OriginalOrder.ToArray(), Is.EqualTo(order.OriginalOrder.ToArray()), $"batch {b} head {heads[slot]}: the modality order");
                gridded += order.OriginalOrder.SequenceEqual(plain.OriginalOrder) ? 0 : 1;
                ReorderedBlockScores? scores = null;
                for (int block = 0; block < expected.Blocks.QueryBlockCount; block++)
                {
                    int[] gpu = actual.Blocks.GetBlocks(b, slot, block).ToArray();
                    int[] cpu = expected.Blocks.GetBlocks(b, slot, block).ToArray();
                    if (gpu.SequenceEqual(cpu))
                    {
                        continue;
                    }

                    mismatches++;
                    scores ??= new ReorderedBlockScores(new HeadRows(q, b, heads[slot]), new HeadRows(k, b, heads[slot] / problem.GroupSize), order);
                    foreach (int differing in gpu.Except(cpu).Concat(cpu.Except(gpu)))
                    {
                        Assert.That(scores.Reachable(block, differing), Is.True, $"batch {b} head {heads[slot]} block {block}: {differing} differs but is unreachable");
                        int last = cpu.Where(kept => scores.Reachable(block, kept) && kept != block)
                            .MinBy(kept => Math.Abs(scores.Score(block, kept) - scores.Score(block, differing)));
                        double scale = Math.Max(scores.Magnitude(block, differing), scores.Magnitude(block, last));
                        Assert.That(Math.Abs(scores.Score(block, differing) - scores.Score(block, last)), Is.LessThanOrEqualTo(NearTie * scale),
                            $"batch {b} head {heads[slot]} block {block}: GPU [{string.Join(", ", gpu)}], CPU [{string.Join(", ", cpu)}]");
                    }
                }
            }
        }

        TestContext.Out.WriteLine($"{mismatches} rows differ by near-ties; {gridded} of {problem.Batch * heads.Length} orders put the video in grid order");
    }
}

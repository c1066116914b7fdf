using MInference.Multimodal;
using MInference.Sparse;
using MInference.Sparse.Gpu;
using MInference.Sparse.Indexes;
using MInference.Synthetic;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// Device grid selection (<see cref="GridGpu.Select"/>) against <see cref="GridBlockSelection"/>
/// with the device's own strides and phases, on the same rounded inputs; then the whole device
/// pipeline (profiles, estimate, select, permuted attention) against the CPU reference run on the
/// device's index. The device scores pooled blocks on the tensor cores with TF32 operands (each
/// rounded to 11 significant bits, so a product is off by at most about 2^-10 of its size) and its
/// tier keys drop one mantissa bit; the CPU scores in double. Two blocks of one tier may therefore
/// swap when their CPU scores differ by less than 2^-9 of the larger Σ_d |Q̄_d · K̄_d| of the two
/// (the tolerance below, with a margin): a row may differ only in such near-ties.
/// </summary>
public sealed class GridSelectGpuTests : GpuFixture
{
    private const double NearTie = 1.0 / 256;
    private const byte NaNPoison = 0xFF;

    private static IEnumerable<TestCaseData> Cases()
    {
        // text before, frames, h, w, text after, batch, kept, head_dim, dtype
        yield return new TestCaseData(0, 4, 4, 4, 0, 1, 1, 64, DType.BFloat16).SetName("N64_OneBlock_Keep1");
        yield return new TestCaseData(1, 4, 4, 4, 0, 2, 2, 96, DType.Float16).SetName("N65_TextTokenFirst_Batch2");
        yield return new TestCaseData(40, 15, 8, 8, 0, 1, 3, 128, DType.BFloat16).SetName("N1000_VideoLast");
        yield return new TestCaseData(0, 12, 9, 9, 1, 1, 4, 64, DType.Float16).SetName("N973_VideoFirst_81TokenFrames");
        yield return new TestCaseData(96, 62, 8, 8, 32, 2, 6, 128, DType.Float16).SetName("N4096_Batch2");
        yield return new TestCaseData(30, 10, 7, 9, 40, 1, 1000, 96, DType.BFloat16).SetName("N700_KeepEverything");
        yield return new TestCaseData(128, 63, 16, 16, 128, 1, 12, 128, DType.BFloat16).SetName("N16384_Frames16x16");
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheCpuSelectionAndTheReference(int before, int frames, int height, int width, int after, int batch, int kept, int headDim, DType dtype)
    {
        ModalityMap map = Prompt(before, frames, height, width, after);
        int n = map.SequenceLength;
        int seed = RandomValues.StableSeed($"grid-select {n} {batch} {headDim} {dtype}");
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions
        {
            Modalities = map, BatchSize = batch, Heads = 4, KvHeads = 2, HeadDim = headDim, Seed = seed, GridPhase = 3 % (height * width),
            HeadKinds = [VideoHeadKind.Grid, VideoHeadKind.Text, VideoHeadKind.Grid, VideoHeadKind.QueryBoundary],
        });
        (ushort[] qBits, ReadOnlyHostTensor q) = DTypeRounding.RoundTo(dtype, data.Q);
        (ushort[] kBits, ReadOnlyHostTensor k) = DTypeRounding.RoundTo(dtype, data.K);
        (ushort[] vBits, ReadOnlyHostTensor v) = DTypeRounding.RoundTo(dtype, data.V);
        int[] heads = [2, 0, 1];
        var pattern = new GridPattern(kept);
        using DeviceBuffer qBuffer = Upload<ushort>(qBits);
        using DeviceBuffer kBuffer = Upload<ushort>(kBits);
        using DeviceBuffer vBuffer = Upload<ushort>(vBits);
        var qDevice = new DeviceTensor(qBuffer, dtype, q.Layout);
        var kDevice = new DeviceTensor(kBuffer, dtype, k.Layout);
        using DeviceVerticalSlashScores scores = VerticalSlashGpu.Estimate(Context, qDevice, kDevice, heads);
        using DeviceGridEstimate estimate = GridGpu.Estimate(Context, scores, map);
        using DevicePermutedBlockIndex index = GridGpu.Select(Context, qDevice, kDevice, estimate, pattern);
        using var outputBuffer = new DeviceBuffer(Context, q.Layout.RequiredElementCount * sizeof(ushort));
        int logSumExpLength = batch * 4 * n;
        using var logSumExpBuffer = new DeviceBuffer(Context, logSumExpLength * sizeof(float));
        outputBuffer.Fill(NaNPoison);
        logSumExpBuffer.Fill(NaNPoison);
        Attention.Permuted(Context, qDevice, kDevice, new DeviceTensor(vBuffer, dtype, v.Layout), new DeviceTensor(outputBuffer, dtype, q.Layout), index, logSumExpBuffer);
        Context.Synchronize();

        PermutedBlockIndex actual = Download(estimate, index, heads, batch, out int[] strides, out int[] phases);
        var problem = CausalProblem.Validate(q, k);
        PermutedBlockIndex expected = GridBlockSelection.Select(
            q, k, problem, heads, (b, head) => new GridPermutation(n, strides[(b * heads.Length) + Array.IndexOf(heads, head)], phases[(b * heads.Length) + Array.IndexOf(heads, head)]), pattern);
        int rowLength = Math.Min(kept, SparseBlocks.Count(n));
        Assert.That(actual.Blocks.RowPointers.ToArray(), Is.EqualTo(expected.Blocks.RowPointers.ToArray()), $"every row keeps min({kept}, blocks) = {rowLength}");
        AssertRowsAgreeUpToNearTies(q, k, problem, heads, actual, expected, strides, phases);

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
            $"grid pipeline N={n} batch {batch} D={headDim} {dtype} kept {kept}", dtype, q.Layout, heads, [.. Enumerable.Range(0, n)], output, reference, logSumExp, referenceLogSumExp);
    }

    [Test]
    public void BadArgumentsAreRejectedBeforeAnyWork()
    {
        ModalityMap map = Prompt(10, 4, 4, 4, 10);
        int n = map.SequenceLength;
        var layout = TensorLayout.Bhsd(1, 2, n, 64);
        using var buffer = new DeviceBuffer(Context, layout.ElementCount * sizeof(ushort));
        buffer.Fill(0);
        var tensor = new DeviceTensor(buffer, DType.BFloat16, layout);
        using DeviceVerticalSlashScores scores = VerticalSlashGpu.Estimate(Context, tensor, tensor, [1]);
        using DeviceGridEstimate estimate = GridGpu.Estimate(Context, scores, map);
        var shorter = TensorLayout.Bhsd(1, 2, n - 1, 64);
        var other = new DeviceTensor(buffer, DType.BFloat16, shorter);
        Assert.Multiple(() =>
        {
            Assert.That(() => GridGpu.Select(Context, tensor, tensor, estimate, new GridPattern(0)), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => GridGpu.Select(Context, other, other, estimate, new GridPattern(2)), Throws.ArgumentException.With.Message.Contain("estimate"));
        });
        estimate.Dispose();
        Assert.That(() => GridGpu.Select(Context, tensor, tensor, estimate, new GridPattern(2)), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void AnIndexIsUnusableOnceItsEstimateIsDisposed()
    {
        ModalityMap map = Prompt(10, 4, 4, 4, 10);
        var layout = TensorLayout.Bhsd(1, 1, map.SequenceLength, 64);
        using var buffer = new DeviceBuffer(Context, layout.ElementCount * sizeof(ushort));
        buffer.Fill(0);
        var tensor = new DeviceTensor(buffer, DType.BFloat16, layout);
        using DeviceVerticalSlashScores scores = VerticalSlashGpu.Estimate(Context, tensor, tensor, [0]);
        DeviceGridEstimate estimate = GridGpu.Estimate(Context, scores, map);
        using DevicePermutedBlockIndex index = GridGpu.Select(Context, tensor, tensor, estimate, new GridPattern(2));
        Context.Synchronize();
        estimate.Dispose();
        using var output = new DeviceBuffer(Context, layout.ElementCount * sizeof(ushort));
        Assert.Multiple(() =>
        {
            Assert.That(index.IsDisposed, Is.True);
            Assert.That(() => Attention.Permuted(Context, tensor, tensor, tensor, new DeviceTensor(output, DType.BFloat16, layout), index), Throws.TypeOf<ObjectDisposedException>());
        });
    }

    private static ModalityMap Prompt(int before, int frames, int height, int width, int after)
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

        return new ModalityMap(segments);
    }

    private static PermutedBlockIndex Download(DeviceGridEstimate estimate, DevicePermutedBlockIndex index, int[] heads, int batch, out int[] strides, out int[] phases)
    {
        strides = new int[batch * heads.Length];
        phases = new int[batch * heads.Length];
        estimate.Strides.CopyToHost<int>(strides);
        estimate.Phases.CopyToHost<int>(phases);
        return index.Download();
    }

    private static void AssertRowsAgreeUpToNearTies(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, CausalProblem problem, int[] heads, PermutedBlockIndex actual, PermutedBlockIndex expected, int[] strides, int[] phases)
    {
        int n = problem.SequenceLength;
        int mismatches = 0;
        for (int b = 0; b < problem.Batch; b++)
        {
            for (int slot = 0; slot < heads.Length; slot++)
            {
                int list = (b * heads.Length) + slot;
                var permutation = new GridPermutation(n, strides[list], phases[list]);
                Assert.That(actual.Order(b, slot).OriginalOrder.ToArray(), Is.EqualTo(permutation.OriginalOrder.ToArray()), $"batch {b} head {heads[slot]}: the phase-class order");
                ReorderedBlockScores? scores = null;
                int lineBlocks = SparseBlocks.Count(permutation.ClassSize(0));
                for (int block = 0; block < expected.Blocks.QueryBlockCount; block++)
                {
                    int[] gpu = actual.Blocks.GetBlocks(b, slot, block).ToArray();
                    int[] cpu = expected.Blocks.GetBlocks(b, slot, block).ToArray();
                    if (gpu.SequenceEqual(cpu))
                    {
                        continue;
                    }

                    mismatches++;
                    scores ??= new ReorderedBlockScores(new HeadRows(q, b, heads[slot]), new HeadRows(k, b, heads[slot] / problem.GroupSize), permutation.Order);
                    AssertNearTie(scores, block, lineBlocks, gpu, cpu, $"batch {b}, head {heads[slot]}, block {block}");
                }
            }
        }

        TestContext.Out.WriteLine($"{mismatches} rows differ by near-ties");
    }

    /// <summary>Every block one side kept and the other did not is a scored block of one tier, within a near-tie of the CPU's last kept block of that tier.</summary>
    private static void AssertNearTie(ReorderedBlockScores scores, int queryBlock, int lineBlocks, int[] gpu, int[] cpu, string where)
    {
        int Tier(int keyBlock) => keyBlock < lineBlocks ? 2 : 1;
        foreach (int block in gpu.Except(cpu).Concat(cpu.Except(gpu)))
        {
            Assert.That(block, Is.Not.EqualTo(queryBlock), $"{where}: the diagonal is always kept");
            Assert.That(scores.Reachable(queryBlock, block), Is.True, $"{where}: block {block} differs but is unreachable (GPU [{string.Join(", ", gpu)}], CPU [{string.Join(", ", cpu)}])");
            int last = cpu.Where(kept => kept != queryBlock && Tier(kept) == Tier(block) && scores.Reachable(queryBlock, kept))
                .DefaultIfEmpty(-1).MinBy(kept => kept < 0 ? double.PositiveInfinity : scores.Score(queryBlock, kept));
            double threshold = last < 0 ? double.PositiveInfinity : scores.Score(queryBlock, last);
            double scale = Math.Max(scores.Magnitude(queryBlock, block), last < 0 ? 0 : scores.Magnitude(queryBlock, last));
            double score = scores.Score(queryBlock, block);
            Assert.That(
                Math.Abs(score - threshold),
                Is.LessThanOrEqualTo(NearTie * scale),
                $"{where}: GPU kept [{string.Join(", ", gpu)}], CPU kept [{string.Join(", ", cpu)}]; block {block} scores {score} vs the CPU's last kept {threshold}");
        }
    }
}

using MInference.Decode;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// The PQ decode kernel against <see cref="CpuDecodeAttention.Pq"/> on the same cache (built on the
/// CPU by <see cref="PqKvCache"/> from random codebooks, then uploaded in its layout): lengths that
/// leave the window empty, full, just flushed and long, unequal lengths in one batch, every head_dim
/// with M = 32 and 64 where M divides it, GQA 1/4/8, shared codebooks, chosen and forced splits;
/// and bit-identical repeated runs.
/// Tolerance: <see cref="Tolerance.For"/> plus the kernel's own roundings: the value centroids are
/// staged in fp16 (2⁻¹¹ relative each, averaged over many tokens) and the lookup tables in fp32.
/// </summary>
public sealed class PqDecodeGpuTests : GpuFixture
{
    private const int Window = 128;

    private static IEnumerable<TestCaseData> Cases()
    {
        // Tokens per sequence (coded + window by the flush rule): 63, 64, 127 and 128 stay in the window,
        // 129 and 257 flush with 1 left, 145 leaves 17, 4097 spans many 128-token tiles and splits.
        int[][] lengthSets = [[0], [1], [63], [128], [129], [1000], [4097], [1000, 0, 257], [145, 64, 127]];
        foreach (int headDim in AttentionHeadDims.Supported)
        {
            foreach (int subspaces in new[] { 32, 64 }.Where(m => headDim % m == 0))
            {
                foreach (int[] lengths in lengthSets)
                {
                    foreach ((int heads, int kvHeads) in new[] { (8, 8), (8, 2), (8, 1) })
                    {
                        DType dtype = (lengths.Length + heads / kvHeads) % 2 == 0 ? DType.BFloat16 : DType.Float16;
                        foreach (int splits in new[] { 0, 5 })
                        {
                            yield return new TestCaseData(headDim, subspaces, dtype, lengths, heads, kvHeads, splits, kvHeads == 2)
                                .SetArgDisplayNames($"D{headDim} M{subspaces} {dtype} T[{string.Join(",", lengths)}] H{heads}/{kvHeads} splits{splits}{(kvHeads == 2 ? " shared" : string.Empty)}");
                        }
                    }
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheCpuReference(int headDim, int subspaces, DType dtype, int[] lengths, int heads, int kvHeads, int splits, bool shared)
    {
        var random = new Random(RandomValues.StableSeed($"{headDim} {subspaces} {dtype} {string.Join(",", lengths)} {heads} {kvHeads} {splits} {shared}"));
        PqKvCache cache = BuildCache(random, headDim, subspaces, dtype, lengths, kvHeads, shared);
        int batch = lengths.Length;
        var queryLayout = TensorLayout.Bhsd(batch, heads, 1, headDim);
        (ushort[] qBits, float[] q) = RandomValues.NormalRoundedTo(dtype, queryLayout.RequiredElementCount, random);

        var expected = new float[q.Length];
        var expectedLogSumExp = new float[batch * heads];
        var hostLayout = TensorLayout.Contiguous(batch, heads, headDim);
        CpuDecodeAttention.Pq(cache, new ReadOnlyHostTensor(q, hostLayout), new HostTensor(expected, hostLayout), expectedLogSumExp);

        (float[] output, float[] logSumExp) = RunOnGpu(cache, dtype, queryLayout, qBits, splits);
        DecodeAssert.MatchesReference(output, expected, logSumExp, expectedLogSumExp, dtype);
    }

    [Test]
    public void RepeatedRunsAreBitIdentical()
    {
        var random = new Random(11);
        PqKvCache cache = BuildCache(random, 128, 64, DType.BFloat16, [3000, 777, 129], 8, shared: false);
        var queryLayout = TensorLayout.Bhsd(3, 32, 1, 128);
        (ushort[] qBits, _) = RandomValues.NormalRoundedTo(DType.BFloat16, queryLayout.RequiredElementCount, random);
        (float[] first, float[] firstLse) = RunOnGpu(cache, DType.BFloat16, queryLayout, qBits, 0);
        for (int run = 1; run < 10; run++)
        {
            (float[] again, float[] againLse) = RunOnGpu(cache, DType.BFloat16, queryLayout, qBits, 0);
            Assert.That(again, Is.EqualTo(first), $"run {run}: output");
            Assert.That(againLse, Is.EqualTo(firstLse), $"run {run}: log-sum-exp");
        }
    }

    private static PqKvCache BuildCache(Random random, int headDim, int subspaces, DType dtype, int[] lengths, int kvHeads, bool shared)
    {
        int books = shared ? 1 : kvHeads;
        PqCodebook Book() => new(headDim, subspaces, RandomValues.Normal(headDim * PqCodebookOptions.SupportedCentroids, random.Next()));
        PqCodebook[] keys = Enumerable.Range(0, books).Select(_ => Book()).ToArray();
        PqCodebook[] values = Enumerable.Range(0, books).Select(_ => Book()).ToArray();
        var codebooks = new PqCodebooks(shared ? PqCodebookGranularity.Shared : PqCodebookGranularity.PerLayerKvHead, 1, kvHeads, keys, values);
        var cache = new PqKvCache(codebooks, 0, new PqKvCacheOptions
        {
            BatchSize = lengths.Length,
            Capacity = Math.Max(1, lengths.Max()),
            WindowTokens = Window,
            DType = dtype,
        });
        for (int sequence = 0; sequence < lengths.Length; sequence++)
        {
            var layout = TensorLayout.Contiguous(kvHeads, lengths[sequence], headDim);
            float[] k = RandomValues.Normal((int)layout.RequiredElementCount, random.Next());
            float[] v = RandomValues.Normal((int)layout.RequiredElementCount, random.Next());
            cache.AppendPrompt(sequence, new ReadOnlyHostTensor(k, layout), new ReadOnlyHostTensor(v, layout));
        }

        return cache;
    }

    private (float[] Output, float[] LogSumExp) RunOnGpu(PqKvCache cache, DType dtype, TensorLayout queryLayout, ushort[] qBits, int splits)
    {
        int batch = cache.BatchSize, kvHeads = cache.KvHeads, dim = cache.HeadDim, m = cache.Subspaces, capacity = cache.Capacity;
        int heads = (int)queryLayout.Lengths[1];
        var keyCodes = new byte[batch * kvHeads * capacity * m];
        var valueCodes = new byte[keyCodes.Length];
        var windowLayout = TensorLayout.Bhsd(batch, kvHeads, cache.WindowTokens, dim);
        var keyWindow = new ushort[windowLayout.RequiredElementCount];
        var valueWindow = new ushort[keyWindow.Length];
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < kvHeads; h++)
            {
                int slot = (b * kvHeads) + h;
                cache.KeyCodes(b, h).CopyTo(keyCodes.AsSpan(slot * capacity * m));
                cache.ValueCodes(b, h).CopyTo(valueCodes.AsSpan(slot * capacity * m));
                cache.KeyWindow(b, h).CopyTo(keyWindow.AsSpan(slot * cache.WindowTokens * dim));
                cache.ValueWindow(b, h).CopyTo(valueWindow.AsSpan(slot * cache.WindowTokens * dim));
            }
        }

        int books = cache.Codebooks.Granularity == PqCodebookGranularity.Shared ? 1 : kvHeads;
        float[] keyCentroids = Enumerable.Range(0, books).SelectMany(h => cache.Codebooks.Keys(0, h).CentroidValues.ToArray()).ToArray();
        float[] valueCentroids = Enumerable.Range(0, books).SelectMany(h => cache.Codebooks.Values(0, h).CentroidValues.ToArray()).ToArray();
        int[] coded = Enumerable.Range(0, batch).Select(cache.CodedLength).ToArray();
        int[] windowed = Enumerable.Range(0, batch).Select(cache.WindowLength).ToArray();

        using DeviceBuffer qBuffer = Upload<ushort>(qBits);
        using DeviceBuffer keyCodeBuffer = Upload<byte>(keyCodes);
        using DeviceBuffer valueCodeBuffer = Upload<byte>(valueCodes);
        using DeviceBuffer keyWindowBuffer = Upload<ushort>(keyWindow);
        using DeviceBuffer valueWindowBuffer = Upload<ushort>(valueWindow);
        using DeviceBuffer keyCentroidBuffer = Upload<float>(keyCentroids);
        using DeviceBuffer valueCentroidBuffer = Upload<float>(valueCentroids);
        using DeviceBuffer codedBuffer = Upload<int>(coded);
        using DeviceBuffer windowedBuffer = Upload<int>(windowed);
        using var outputBuffer = new DeviceBuffer(Context, queryLayout.RequiredElementCount * sizeof(ushort));
        using var logSumExpBuffer = new DeviceBuffer(Context, batch * heads * sizeof(float));
        outputBuffer.Fill(0xFF);
        logSumExpBuffer.Fill(0xFF);
        var view = new GpuPqCacheView(
            keyCodeBuffer, valueCodeBuffer, capacity, m, keyCentroidBuffer, valueCentroidBuffer, cache.Codebooks.Granularity == PqCodebookGranularity.Shared,
            new DeviceTensor(keyWindowBuffer, dtype, windowLayout), new DeviceTensor(valueWindowBuffer, dtype, windowLayout),
            codedBuffer, windowedBuffer, coded.Max());
        var qTensor = new DeviceTensor(qBuffer, dtype, queryLayout);
        var outputTensor = new DeviceTensor(outputBuffer, dtype, queryLayout);
        long bytes = GpuPqDecode.WorkspaceSize(Context, view, qTensor, outputTensor, logSumExpBuffer, splits);
        using var workspace = new DeviceBuffer(Context, Math.Max(bytes, 1));
        GpuPqDecode.Run(Context, view, qTensor, outputTensor, workspace, logSumExpBuffer, splits);
        Context.Synchronize();

        var outputBits = new ushort[queryLayout.RequiredElementCount];
        outputBuffer.CopyToHost<ushort>(outputBits);
        var output = new float[outputBits.Length];
        HalfPrecision.Decode(outputBits, output, dtype);
        var logSumExp = new float[batch * heads];
        logSumExpBuffer.CopyToHost<float>(logSumExp);
        return (output, logSumExp);
    }
}

using MInference.Decode;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// <see cref="GpuPqKvCache"/> against <see cref="PqKvCache"/> fed the same tokens: lengths, windows
/// (bit-exact) and codes (equal up to near ties) after prompts of T ∈ {0, 1, 63, 64, 127, 128, 129, 1000}
/// tokens, after steps across the flush boundary (the 128th and 129th), prompts ≡ 0 mod 128, a second
/// prompt into a partly filled window, window fills 0/1/17/128, batch 1 and 3 with unequal lengths,
/// every head_dim with M = 32 and 64 where M divides it, both dtypes, per-head and shared codebooks;
/// decode through the cache against <see cref="CpuDecodeAttention.Pq"/> on the CPU cache; and encoding
/// on a second, low-priority stream giving the same bytes as encoding on the context's stream.
/// </summary>
public sealed class GpuPqKvCacheGpuTests : GpuFixture
{
    private const int Window = PqKvCacheOptions.DefaultWindowTokens;

    /// <summary>Prompts per sequence (appended in order, sequence by sequence), then steps for the whole batch.</summary>
    private static readonly (string Name, int[][] Prompts, int Steps)[] s_scenarios =
    [
        ("T0", [[0]], 0),
        ("T1", [[1]], 0),
        ("T63", [[63]], 0),
        ("T64", [[64]], 0),
        ("T127", [[127]], 0),
        ("T128 window full", [[128]], 0),
        ("T129 window 1", [[129]], 0),
        ("T1000", [[1000]], 0),
        ("T256 then 17 steps (flush, window 17)", [[256]], 17),
        ("129 steps from empty (128th fills, 129th flushes)", [[0]], 129),
        ("T128 then 1 step (flush on the first step)", [[128]], 1),
        ("T17 then 111 steps (window 128, no flush)", [[17]], 111),
        ("prompts 100 + 50 (window flushed from staging)", [[100, 50]], 0),
        ("prompts 128 + 128", [[128, 128]], 0),
        ("prompts 17 + 1000 then 3 steps", [[17, 1000]], 3),
        ("prompts 1 + 127 (window 128)", [[1, 127]], 0),
        ("B3 [1000, 0, 257] then 130 steps", [[1000], [0], [257]], 130),
        ("B3 [128, 5+300, 129] then 128 steps", [[128], [5, 300], [129]], 128),
    ];

    private static IEnumerable<TestCaseData> EquivalenceCases()
    {
        int index = 0;
        foreach ((int headDim, int subspaces) in Shapes())
        {
            foreach ((string name, int[][] prompts, int steps) in s_scenarios)
            {
                DType dtype = index % 2 == 0 ? DType.BFloat16 : DType.Float16;
                bool shared = index % 5 == 3;
                index++;
                yield return new TestCaseData(headDim, subspaces, dtype, shared, prompts, steps)
                    .SetArgDisplayNames($"D{headDim} M{subspaces} {dtype}{(shared ? " shared" : string.Empty)} {name}");
            }
        }
    }

    private static IEnumerable<TestCaseData> DecodeCases()
    {
        int index = 0;
        foreach ((int headDim, int subspaces) in Shapes())
        {
            foreach ((int[][] prompts, int steps) in new (int[][], int)[] { ([[0]], 1), ([[129]], 0), ([[1000], [0], [257]], 130) })
            {
                foreach (int group in new[] { 1, 4 })
                {
                    DType dtype = index++ % 2 == 0 ? DType.BFloat16 : DType.Float16;
                    string lengths = string.Join(",", prompts.Select(p => p.Sum()));
                    yield return new TestCaseData(headDim, subspaces, dtype, prompts, steps, group)
                        .SetArgDisplayNames($"D{headDim} M{subspaces} {dtype} prompts[{lengths}] steps{steps} GQA{group}");
                }
            }
        }
    }

    [TestCaseSource(nameof(EquivalenceCases))]
    public void MatchesTheCpuCache(int headDim, int subspaces, DType dtype, bool shared, int[][] prompts, int steps)
    {
        var random = new Random(RandomValues.StableSeed($"{headDim} {subspaces} {dtype} {shared} {Describe(prompts)} {steps}"));
        using PqCachePair pair = CreatePair(random, headDim, subspaces, dtype, shared, prompts, steps, kvHeads: 2);
        AppendPrompts(pair, prompts);
        pair.AssertSame("after the prompts");
        for (int step = 1; step <= steps; step++)
        {
            pair.Step();
            if (step % Window is 0 or 1 || step == steps)
            {
                pair.AssertSame($"after step {step}");
            }
        }
    }

    [TestCaseSource(nameof(DecodeCases))]
    public void DecodeThroughTheCacheMatchesTheCpuReference(int headDim, int subspaces, DType dtype, int[][] prompts, int steps, int group)
    {
        var random = new Random(RandomValues.StableSeed($"decode {headDim} {subspaces} {dtype} {Describe(prompts)} {steps} {group}"));
        const int kvHeads = 2;
        using PqCachePair pair = CreatePair(random, headDim, subspaces, dtype, shared: false, prompts, steps, kvHeads);
        AppendPrompts(pair, prompts);
        for (int step = 0; step < steps; step++)
        {
            pair.Step();
        }

        (float[] output, float[] logSumExp, float[] expected, float[] expectedLogSumExp) = DecodeBoth(pair, random, kvHeads * group);
        DecodeAssert.MatchesReference(output, expected, logSumExp, expectedLogSumExp, dtype);
    }

    [Test]
    public void EncodingOnALowPriorityStreamGivesTheSameCache()
    {
        int[][] prompts = [[1000], [128], [129]];
        const int steps = 130, headDim = 128, subspaces = 64, kvHeads = 2;
        var codebooks = PqCachePair.RandomCodebooks(new Random(5), headDim, subspaces, kvHeads, shared: false);
        var options = new PqKvCacheOptions { BatchSize = prompts.Length, Capacity = 1200, WindowTokens = Window, DType = DType.BFloat16 };
        using var encodeStream = new GpuStream(Context, GpuStreamPriority.Lowest);
        using var onContextStream = new PqCachePair(Context, new Random(7), codebooks, options);
        using var onEncodeStream = new PqCachePair(Context, new Random(7), codebooks, options, encodeStream);
        foreach (PqCachePair pair in new[] { onContextStream, onEncodeStream })
        {
            AppendPrompts(pair, prompts);
            for (int step = 0; step < steps; step++)
            {
                pair.Step();
            }
        }

        onEncodeStream.AssertSame("encoded on a second stream");
        GpuCacheContents expected = onContextStream.Download();
        GpuCacheContents actual = onEncodeStream.Download();
        (float[] outputOnContext, _, _, _) = DecodeBoth(onContextStream, new Random(9), 8);
        (float[] outputOnEncode, _, _, _) = DecodeBoth(onEncodeStream, new Random(9), 8);
        Assert.Multiple(() =>
        {
            Assert.That(actual.KeyCodes, Is.EqualTo(expected.KeyCodes), "key codes");
            Assert.That(actual.ValueCodes, Is.EqualTo(expected.ValueCodes), "value codes");
            Assert.That(actual.KeyWindow, Is.EqualTo(expected.KeyWindow), "key window");
            Assert.That(actual.ValueWindow, Is.EqualTo(expected.ValueWindow), "value window");
            Assert.That(outputOnEncode, Is.EqualTo(outputOnContext), "decode output, bit for bit");
        });
    }

    [Test]
    public void DecodeRightAfterAnAsynchronousPromptSeesItsCodes()
    {
        // The decode is enqueued while the encode stream may still be running: it must wait for it.
        const int headDim = 64, subspaces = 32, kvHeads = 2;
        var codebooks = PqCachePair.RandomCodebooks(new Random(15), headDim, subspaces, kvHeads, shared: false);
        var options = new PqKvCacheOptions { BatchSize = 1, Capacity = 8192, WindowTokens = Window, DType = DType.Float16 };
        using var encodeStream = new GpuStream(Context, GpuStreamPriority.Lowest);
        using var pair = new PqCachePair(Context, new Random(16), codebooks, options, encodeStream);
        pair.Prompt(0, 8000);
        (float[] output, _, float[] expected, _) = DecodeBoth(pair, new Random(17), kvHeads);
        var errors = ErrorStatistics.Compare(output, expected);
        Tolerance tolerance = Tolerance.For(DType.Float16);
        Assert.That(errors.MaxAbsoluteError, Is.LessThanOrEqualTo(tolerance.MaxAbsoluteError), $"max-abs, tolerance {tolerance}");
        pair.AssertSame("after the prompt");
    }

    private PqCachePair CreatePair(Random random, int headDim, int subspaces, DType dtype, bool shared, int[][] prompts, int steps, int kvHeads)
    {
        PqCodebooks codebooks = PqCachePair.RandomCodebooks(random, headDim, subspaces, kvHeads, shared);
        int capacity = Math.Max(1, prompts.Max(p => p.Sum()) + steps);
        var options = new PqKvCacheOptions { BatchSize = prompts.Length, Capacity = capacity, WindowTokens = Window, DType = dtype };
        return new PqCachePair(Context, random, codebooks, options);
    }

    private static void AppendPrompts(PqCachePair pair, int[][] prompts)
    {
        for (int sequence = 0; sequence < prompts.Length; sequence++)
        {
            foreach (int tokens in prompts[sequence])
            {
                pair.Prompt(sequence, tokens);
            }
        }
    }

    private static string Describe(int[][] prompts) => string.Join(";", prompts.Select(p => string.Join("+", p)));

    private static IEnumerable<(int HeadDim, int Subspaces)> Shapes() =>
        AttentionHeadDims.Supported.SelectMany(d => new[] { 32, 64 }.Where(m => d % m == 0).Select(m => (d, m)));

    /// <summary>One decode of random queries through the GPU cache and through the CPU reference over the CPU cache.</summary>
    private (float[] Output, float[] LogSumExp, float[] Expected, float[] ExpectedLogSumExp) DecodeBoth(PqCachePair pair, Random random, int heads)
    {
        GpuPqKvCache cache = pair.Gpu;
        int batch = cache.BatchSize, dim = cache.HeadDim;
        DType dtype = cache.DType;
        var queryLayout = TensorLayout.Bhsd(batch, heads, 1, dim);
        (ushort[] qBits, float[] q) = RandomValues.NormalRoundedTo(dtype, queryLayout.ElementCount, random);
        var hostLayout = TensorLayout.Contiguous(batch, heads, dim);
        var expected = new float[q.Length];
        var expectedLogSumExp = new float[batch * heads];
        CpuDecodeAttention.Pq(pair.Cpu, new ReadOnlyHostTensor(q, hostLayout), new HostTensor(expected, hostLayout), expectedLogSumExp);

        using DeviceBuffer qBuffer = Upload<ushort>(qBits);
        using var outputBuffer = new DeviceBuffer(Context, queryLayout.ElementCount * sizeof(ushort));
        using var logSumExpBuffer = new DeviceBuffer(Context, batch * heads * sizeof(float));
        outputBuffer.Fill(0xFF);
        logSumExpBuffer.Fill(0xFF);
        var qTensor = new DeviceTensor(qBuffer, dtype, queryLayout);
        var outputTensor = new DeviceTensor(outputBuffer, dtype, queryLayout);
        long bytes = cache.WorkspaceSize(qTensor, outputTensor, logSumExpBuffer);
        using var workspace = new DeviceBuffer(Context, Math.Max(bytes, 1));
        cache.Decode(qTensor, outputTensor, workspace, logSumExpBuffer);
        Context.Synchronize();

        var outputBits = new ushort[queryLayout.ElementCount];
        outputBuffer.CopyToHost<ushort>(outputBits);
        var output = new float[outputBits.Length];
        HalfPrecision.Decode(outputBits, output, dtype);
        var logSumExp = new float[batch * heads];
        logSumExpBuffer.CopyToHost<float>(logSumExp);
        return (output, logSumExp, expected, expectedLogSumExp);
    }
}

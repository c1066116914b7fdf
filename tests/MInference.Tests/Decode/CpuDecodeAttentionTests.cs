using MInference.Decode;
using MInference.Tests.Support;

namespace MInference.Tests.Decode;

public sealed class CpuDecodeAttentionTests
{
    // The references accumulate in double and round once to float; the naive formulation differs only in
    // summation order (LUT and weight bins vs dot products over dequantized vectors), far below float's
    // 6e-8 relative rounding: 1e-5 absolute on outputs of order 1 leaves a wide margin.
    private const float ReferenceAgreement = 1e-5f;

    [TestCase(1, 64, 32, new[] { 0 })]
    [TestCase(1, 64, 64, new[] { 1 })]
    [TestCase(4, 96, 32, new[] { 127, 128, 129 }, Description = "GQA 4, unequal lengths around the flush")]
    [TestCase(8, 128, 64, new[] { 63, 1000, 0 }, Description = "GQA 8, one empty sequence")]
    [TestCase(1, 128, 32, new[] { 300, 64, 257 })]
    public void PqDecodeMatchesANaiveAttentionOverDequantizedTokens(int groupSize, int headDim, int subspaces, int[] lengths)
    {
        const int KvHeads = 2;
        int heads = KvHeads * groupSize;
        PqCodebooks books = TestCodebooks.Random(1, KvHeads, headDim, subspaces, seed: headDim + subspaces);
        var cache = new PqKvCache(books, 0, new PqKvCacheOptions { BatchSize = lengths.Length, Capacity = 1000, DType = DType.Float16 });
        for (int sequence = 0; sequence < lengths.Length; sequence++)
        {
            cache.AppendPrompt(sequence, TestCodebooks.Prompt(KvHeads, lengths[sequence], headDim, seed: sequence), TestCodebooks.Prompt(KvHeads, lengths[sequence], headDim, seed: 50 + sequence));
        }

        float[] queries = RandomValues.Normal(lengths.Length * heads * headDim, seed: 9);
        var output = new float[queries.Length];
        var logSumExp = new float[lengths.Length * heads];
        CpuDecodeAttention.Pq(cache, new ReadOnlyHostTensor(queries, TensorLayout.Contiguous(lengths.Length, heads, headDim)), new HostTensor(output, TensorLayout.Contiguous(lengths.Length, heads, headDim)), logSumExp);

        for (int sequence = 0; sequence < lengths.Length; sequence++)
        {
            float[] keys = Dequantized(cache, sequence, headDim, KvHeads, key: true);
            float[] values = Dequantized(cache, sequence, headDim, KvHeads, key: false);
            float[] query = queries.AsSpan(sequence * heads * headDim, heads * headDim).ToArray();
            (float[] expected, float[] expectedLse) = lengths[sequence] == 0
                ? (new float[heads * headDim], Enumerable.Repeat(float.NegativeInfinity, heads).ToArray())
                : NaiveAttention.Compute(query, keys, values, 1, heads, KvHeads, 1, lengths[sequence], headDim, causal: false, scale: 1 / Math.Sqrt(headDim));
            Assert.Multiple(() =>
            {
                Assert.That(output.AsSpan(sequence * heads * headDim, heads * headDim).ToArray(), Is.EqualTo(expected).Within(ReferenceAgreement), $"sequence {sequence}");
                Assert.That(logSumExp.AsSpan(sequence * heads, heads).ToArray(), Is.EqualTo(expectedLse).Within(ReferenceAgreement), $"sequence {sequence}");
            });
        }
    }

    [TestCase(1)]
    [TestCase(4)]
    public void DenseDecodeMatchesCpuAttentionOverTheRoundedTokens(int groupSize)
    {
        const int KvHeads = 2, HeadDim = 64, Tokens = 77;
        int heads = KvHeads * groupSize;
        var cache = new DenseKvCache(1, KvHeads, HeadDim, 100, DType.BFloat16);
        ReadOnlyHostTensor keys = TestCodebooks.Prompt(KvHeads, Tokens, HeadDim, seed: 1);
        ReadOnlyHostTensor values = TestCodebooks.Prompt(KvHeads, Tokens, HeadDim, seed: 2);
        cache.AppendPrompt(0, keys, values);
        float[] queries = RandomValues.Normal(heads * HeadDim, seed: 3);
        var output = new float[queries.Length];
        var logSumExp = new float[heads];

        CpuDecodeAttention.Dense(cache, new ReadOnlyHostTensor(queries, TensorLayout.Contiguous(1, heads, HeadDim)), new HostTensor(output, TensorLayout.Contiguous(1, heads, HeadDim)), logSumExp);

        var expected = new float[output.Length];
        var expectedLse = new float[heads];
        CpuAttention.Dense(
            new ReadOnlyHostTensor(queries, TensorLayout.Bhsd(1, heads, 1, HeadDim)),
            new ReadOnlyHostTensor(Rounded(keys), TensorLayout.Bhsd(1, KvHeads, Tokens, HeadDim)),
            new ReadOnlyHostTensor(Rounded(values), TensorLayout.Bhsd(1, KvHeads, Tokens, HeadDim)),
            new HostTensor(expected, TensorLayout.Bhsd(1, heads, 1, HeadDim)),
            new DenseAttentionOptions(),
            expectedLse);
        Assert.Multiple(() =>
        {
            Assert.That(output, Is.EqualTo(expected).Within(ReferenceAgreement));
            Assert.That(logSumExp, Is.EqualTo(expectedLse).Within(ReferenceAgreement));
        });
    }

    [TestCase(1)]
    [TestCase(128)]
    public void WindowOnlyPqDecodeIsDenseDecodeBitForBit(int tokens)
    {
        // Up to W tokens nothing is coded: both references run the same arithmetic on the same 16-bit values.
        const int KvHeads = 1, HeadDim = 64, Heads = 4;
        var pq = new PqKvCache(TestCodebooks.Random(1, KvHeads, HeadDim, 64, seed: 1), 0, new PqKvCacheOptions { BatchSize = 1, Capacity = 200 });
        var dense = new DenseKvCache(1, KvHeads, HeadDim, 200, DType.BFloat16);
        ReadOnlyHostTensor keys = TestCodebooks.Prompt(KvHeads, tokens, HeadDim, seed: 2);
        ReadOnlyHostTensor values = TestCodebooks.Prompt(KvHeads, tokens, HeadDim, seed: 3);
        pq.AppendPrompt(0, keys, values);
        dense.AppendPrompt(0, keys, values);
        var queries = new ReadOnlyHostTensor(RandomValues.Normal(Heads * HeadDim, seed: 4), TensorLayout.Contiguous(1, Heads, HeadDim));
        var pqOutput = new float[Heads * HeadDim];
        var denseOutput = new float[Heads * HeadDim];

        CpuDecodeAttention.Pq(pq, queries, new HostTensor(pqOutput, TensorLayout.Contiguous(1, Heads, HeadDim)));
        CpuDecodeAttention.Dense(dense, queries, new HostTensor(denseOutput, TensorLayout.Contiguous(1, Heads, HeadDim)));

        Assert.That(pqOutput, Is.EqualTo(denseOutput));
    }

    [Test]
    public void RepeatedDecodesAreBitIdentical()
    {
        // Heads run in parallel, but each (sequence, head) is summed by one thread in a fixed order.
        var cache = new PqKvCache(TestCodebooks.Random(1, 2, 64, 32, seed: 8), 0, new PqKvCacheOptions { BatchSize = 2, Capacity = 400 });
        cache.AppendPrompt(0, TestCodebooks.Prompt(2, 400, 64, seed: 1), TestCodebooks.Prompt(2, 400, 64, seed: 2));
        cache.AppendPrompt(1, TestCodebooks.Prompt(2, 150, 64, seed: 3), TestCodebooks.Prompt(2, 150, 64, seed: 4));
        var queries = new ReadOnlyHostTensor(RandomValues.Normal(2 * 8 * 64, seed: 5), TensorLayout.Contiguous(2, 8, 64));
        float[] first = Decode();
        for (int run = 0; run < 9; run++)
        {
            Assert.That(Decode(), Is.EqualTo(first), $"run {run + 2}");
        }

        float[] Decode()
        {
            var output = new float[2 * 8 * 64];
            var logSumExp = new float[2 * 8];
            CpuDecodeAttention.Pq(cache, queries, new HostTensor(output, TensorLayout.Contiguous(2, 8, 64)), logSumExp);
            return [.. output, .. logSumExp];
        }
    }

    [Test]
    public void AnEmptySequenceGivesZerosAndMinusInfinity()
    {
        var cache = new DenseKvCache(2, 1, 64, 10, DType.Float16);
        cache.AppendPrompt(1, TestCodebooks.Prompt(1, 3, 64, seed: 1), TestCodebooks.Prompt(1, 3, 64, seed: 2));
        float[] output = Enumerable.Repeat(7f, 2 * 64).ToArray();
        var logSumExp = new float[2];

        CpuDecodeAttention.Dense(cache, new ReadOnlyHostTensor(RandomValues.Normal(2 * 64, 3), TensorLayout.Contiguous(2, 1, 64)), new HostTensor(output, TensorLayout.Contiguous(2, 1, 64)), logSumExp);

        Assert.Multiple(() =>
        {
            Assert.That(output.Take(64), Is.All.Zero);
            Assert.That(logSumExp[0], Is.EqualTo(float.NegativeInfinity));
            Assert.That(float.IsFinite(logSumExp[1]), "sequence 1 holds 3 tokens");
        });
    }

    [Test]
    public void BadOperandsAreRejected()
    {
        var cache = new DenseKvCache(1, 2, 64, 10, DType.Float16);
        var queries = new ReadOnlyHostTensor(new float[3 * 64], TensorLayout.Contiguous(1, 3, 64));
        var good = new ReadOnlyHostTensor(new float[4 * 64], TensorLayout.Contiguous(1, 4, 64));
        Assert.Multiple(() =>
        {
            Assert.That(() => CpuDecodeAttention.Dense(cache, queries, new HostTensor(new float[3 * 64], queries.Layout)),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("queries").And.Message.Contains("a multiple of kv_heads = 2"));
            Assert.That(() => CpuDecodeAttention.Dense(cache, good, new HostTensor(new float[4 * 64], TensorLayout.Contiguous(1, 4, 32))),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("output"));
            Assert.That(() => CpuDecodeAttention.Dense(cache, good, new HostTensor(new float[4 * 64], good.Layout), new float[3]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("logSumExp"));
            Assert.That(() => CpuDecodeAttention.Dense(cache, good, new HostTensor(new float[4 * 64], good.Layout), default, softmaxScale: 0),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("softmaxScale"));
        });
    }

    /// <summary>The keys or values a decode over <paramref name="sequence"/> sees, [kv_heads, length, head_dim]: codes replaced by centroids, then the window widened.</summary>
    private static float[] Dequantized(PqKvCache cache, int sequence, int headDim, int kvHeads, bool key)
    {
        int length = cache.Length(sequence);
        int coded = cache.CodedLength(sequence);
        var result = new float[kvHeads * length * headDim];
        for (int head = 0; head < kvHeads; head++)
        {
            Span<float> rows = result.AsSpan(head * length * headDim, length * headDim);
            PqCodebook codebook = key ? cache.Codebooks.Keys(0, head) : cache.Codebooks.Values(0, head);
            codebook.Reconstruct(key ? cache.KeyCodes(sequence, head) : cache.ValueCodes(sequence, head), rows[..(coded * headDim)]);
            HalfPrecision.Decode(key ? cache.KeyWindow(sequence, head) : cache.ValueWindow(sequence, head), rows[(coded * headDim)..], cache.DType);
        }

        return result;
    }

    private static float[] Rounded(ReadOnlyHostTensor tensor)
    {
        float[] values = tensor.Data.ToArray();
        var bits = new ushort[values.Length];
        HalfPrecision.ToBFloat16(values, bits);
        HalfPrecision.FromBFloat16(bits, values);
        return values;
    }
}

using MInference.Decode;

namespace MInference.Tests.Decode;

public sealed class UniformKvQuantizerTests
{
    [Test]
    public void SixteenEvenlySpacedValuesAreExact()
    {
        // min 0, step 1 (exact in binary16): every value is a level.
        float[] values = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();
        var result = new float[16];
        UniformKvQuantizer.RoundTripValues(values, 16, result);
        Assert.That(result, Is.EqualTo(values));
    }

    [Test]
    public void ValuesRoundToTheNearestOfSixteenLevelsPerToken()
    {
        // Token 0 spans [0, 15] (step 1): 2.4 -> 2, 2.6 -> 3. Token 1 is constant: step 0, read back exactly.
        float[] values = [0, 2.4f, 2.6f, 15, 5, 5, 5, 5];
        var result = new float[8];
        UniformKvQuantizer.RoundTripValues(values, 4, result);
        Assert.That(result, Is.EqualTo(new float[] { 0, 2, 3, 15, 5, 5, 5, 5 }));
    }

    [Test]
    public void KeysAreQuantizedPerChannelWithinEachGroupOfTokens()
    {
        // 2 channels, groups of 2 tokens. Channel 0 spans [0, 30] in tokens 0-1 (step 2), channel 1 [0, 1]
        // (step 1/15): a per-token quantizer would share one step between them. Token 2 is its own group.
        float[] keys = [0, 0, 30, 1, 7, 0.5f];
        var result = new float[6];
        UniformKvQuantizer.RoundTripKeys(keys, 2, 2, result);
        Assert.That(result, Is.EqualTo(new[] { 0f, 0f, 30f, 1f, 7f, 0.5f }).Within(1e-3f), "min and max of each group are levels; single-token groups are exact");
    }

    [Test]
    public void TheBaselineCacheQuantizesExactlyTheCodedPrefixOfOneSequence()
    {
        // 2 sequences, 2 kv heads, head_dim 4, bf16. Sequence 1 holds 5 tokens; the first 3 are "coded".
        var random = new Random(7);
        var exact = new DenseKvCache(2, 2, 4, 8, DType.BFloat16);
        float[] Data(int tokens) => [.. Enumerable.Range(0, 2 * tokens * 4).Select(_ => (float)((random.NextDouble() * 8) - 4))];
        exact.AppendPrompt(0, new ReadOnlyHostTensor(Data(2), TensorLayout.Contiguous(2, 2, 4)), new ReadOnlyHostTensor(Data(2), TensorLayout.Contiguous(2, 2, 4)));
        exact.AppendPrompt(1, new ReadOnlyHostTensor(Data(5), TensorLayout.Contiguous(2, 5, 4)), new ReadOnlyHostTensor(Data(5), TensorLayout.Contiguous(2, 5, 4)));

        DenseKvCache baseline = UniformKvQuantizer.BaselineCache(exact, 1, 3);

        Assert.Multiple(() =>
        {
            Assert.That(baseline.BatchSize, Is.EqualTo(1));
            Assert.That(baseline.Length(0), Is.EqualTo(5));
            for (int head = 0; head < 2; head++)
            {
                float[] keys = Widen(exact.Keys(1, head)), values = Widen(exact.Values(1, head));
                var expectedKeys = (float[])keys.Clone();
                var expectedValues = (float[])values.Clone();
                UniformKvQuantizer.RoundTripKeys(keys.AsSpan(0, 12), 4, UniformKvQuantizer.DefaultKeyGroupTokens, expectedKeys.AsSpan(0, 12));
                UniformKvQuantizer.RoundTripValues(values.AsSpan(0, 12), 4, expectedValues.AsSpan(0, 12));
                Assert.That(Widen(baseline.Keys(0, head)), Is.EqualTo(Round(expectedKeys)), $"keys of head {head}: tokens 0-2 round-tripped, 3-4 exact");
                Assert.That(Widen(baseline.Values(0, head)), Is.EqualTo(Round(expectedValues)), $"values of head {head}");
                Assert.That(Widen(baseline.Keys(0, head)).AsSpan(12).ToArray(), Is.EqualTo(keys.AsSpan(12).ToArray()), "uncoded tokens are the exact ones");
            }

            Assert.That(() => UniformKvQuantizer.BaselineCache(exact, 2, 0), Throws.TypeOf<ArgumentOutOfRangeException>(), "no sequence 2");
            Assert.That(() => UniformKvQuantizer.BaselineCache(exact, 0, 3), Throws.TypeOf<ArgumentOutOfRangeException>(), "sequence 0 holds 2 tokens");
            Assert.That(() => UniformKvQuantizer.BaselineCache(exact, 0, -1), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    private static float[] Widen(ReadOnlySpan<ushort> bits)
    {
        var values = new float[bits.Length];
        HalfPrecision.Decode(bits, values, DType.BFloat16);
        return values;
    }

    /// <summary>Rounds to bf16 as the cache stores what it is given.</summary>
    private static float[] Round(float[] values)
    {
        var bits = new ushort[values.Length];
        HalfPrecision.Encode(values, bits, DType.BFloat16);
        return Widen(bits);
    }

    [Test]
    public void MismatchedLengthsAreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => UniformKvQuantizer.RoundTripValues(new float[5], 4, new float[5]), Throws.ArgumentException.With.Message.Contains("4-element tokens"));
            Assert.That(() => UniformKvQuantizer.RoundTripKeys(new float[8], 4, 0, new float[8]), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}

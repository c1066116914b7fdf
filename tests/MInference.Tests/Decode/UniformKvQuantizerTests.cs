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
    public void MismatchedLengthsAreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => UniformKvQuantizer.RoundTripValues(new float[5], 4, new float[5]), Throws.ArgumentException.With.Message.Contains("4-element tokens"));
            Assert.That(() => UniformKvQuantizer.RoundTripKeys(new float[8], 4, 0, new float[8]), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}

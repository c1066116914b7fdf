using MInference.Decode;
using MInference.Synthetic;

namespace MInference.Tests.Decode;

/// <summary>
/// Accuracy of one decode step over the PQ cache against exact decode, and against the uniform 4-bit
/// baseline, on the synthetic model with outlier channels and RoPE (README, "PQ KV cache": the table).
/// Codebooks train on one sequence ("calibration text") of 4096 tokens and are measured on another of the
/// same model. Keys are quantized after RoPE, so the calibration must span the positions measured: trained
/// on 2048 positions, the error at 4096 tokens rose from 18 % to 32 % (outlier pairs rotate into angles the
/// codebook never saw).
/// </summary>
public sealed class DecodeAccuracyTests
{
    private const int HeadDim = 128;
    private const int Heads = 8;
    private const int KvHeads = 2;

    private static readonly OutlierKvOptions Model = new() { SequenceLength = 4096, Heads = Heads, KvHeads = KvHeads, ModelSeed = 1, SequenceSeed = 100 };

    private static readonly Lazy<PqCodebooks> M64 = new(() => Train(64));
    private static readonly Lazy<PqCodebooks> M32 = new(() => Train(32));

    [TestCase(1024)]
    [TestCase(4096)]
    public void PqAtFourBitsIsAsAccurateAsUniformFourBitAndFarBetterThanTwoBits(int tokens)
    {
        // Observed (seeds as here): M = 64 17-19 % mean relative L2, uniform 4-bit 17-18 %, M = 32 about 54 %.
        // Values are i.i.d. N(0, 1), so whatever the attention, the output error of the coded part is about
        // the values' own relative quantization error: ~9.5 % for any 4-bit quantizer of a Gaussian (the
        // Lloyd-Max bound; Shannon's is 6.25 %), plus the keys' share. The 5 % goal of the issue is out of
        // reach on such values and is not asserted; the bounds below hold with margin across seeds.
        DecodeAccuracy four = Measure(M64.Value, tokens);
        DecodeAccuracy two = Measure(M32.Value, tokens);
        TestContext.Out.WriteLine($"N = {tokens}: PQ M=64 {four.PqMean:P1} (max {four.PqRelativeL2.Max():P1}), uniform 4-bit {four.UniformMean:P1} (max {four.UniformRelativeL2.Max():P1}), PQ M=32 {two.PqMean:P1}");

        Assert.Multiple(() =>
        {
            Assert.That(four.PqMean, Is.LessThan(0.25), "M = 64");
            Assert.That(four.PqMean, Is.LessThan(1.2 * four.UniformMean), "M = 64 against uniform 4-bit on the same tokens");
            Assert.That(two.PqMean, Is.GreaterThan(2 * four.PqMean), "M = 32 codes 2 bits per element");
        });
    }

    [Test]
    public void AllTokensInTheWindowIsExact()
    {
        // 128 tokens never leave the 16-bit window: nothing is quantized, both errors are 0.
        DecodeAccuracy accuracy = Measure(M64.Value, 128);
        Assert.That(accuracy.PqRelativeL2.Concat(accuracy.UniformRelativeL2), Is.All.Zero);
    }

    private static PqCodebooks Train(int subspaces)
    {
        OutlierKvData calibration = OutlierKvData.Generate(Model);
        return PqCodebooks.Train([calibration.K], [calibration.V], new PqCodebookOptions { Subspaces = subspaces, Iterations = 10, SampleTokens = 2048 });
    }

    private static DecodeAccuracy Measure(PqCodebooks codebooks, int tokens)
    {
        OutlierKvData data = OutlierKvData.Generate(Model with { SequenceLength = tokens, SequenceSeed = 200 });
        var queries = new ReadOnlyHostTensor(data.Q.Data[(int)data.Q.Layout.GetOffset(0, 0, tokens - 1, 0)..], new TensorLayout([1, Heads, HeadDim], [0, tokens * HeadDim, 1]));
        return DecodeAccuracy.Measure(codebooks, 0, data.K, data.V, queries, new PqKvCacheOptions());
    }
}

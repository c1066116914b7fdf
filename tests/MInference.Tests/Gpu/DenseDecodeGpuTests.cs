using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// The dense decode kernel (flash-decoding) against a double-precision reference: every length from
/// empty to past several ranges (0, 1, 63, 64, 127, 128, 129, 1000, 4097), unequal lengths in one
/// batch, GQA 1/4/8, every head_dim, both dtypes, chosen and forced splits (forced ones leave ranges
/// empty), with and without log-sum-exp; and the output bit-identical over repeated runs.
/// Tolerances: <see cref="Tolerance.For"/> (the dense kernels'; one query row is the easy case of
/// the same arithmetic: fp32 scores and softmax, one rounding of o to 16 bits).
/// </summary>
public sealed class DenseDecodeGpuTests : GpuFixture
{
    private const byte NaNPoison = 0xFF;

    private static IEnumerable<TestCaseData> Cases()
    {
        int[][] lengthSets = [[0], [1], [63], [64], [127], [128], [129], [1000], [4097], [1000, 0, 129], [17, 4097, 64]];
        foreach (DType dtype in new[] { DType.BFloat16, DType.Float16 })
        {
            foreach (int headDim in AttentionHeadDims.Supported)
            {
                foreach (int[] lengths in lengthSets)
                {
                    foreach ((int heads, int kvHeads) in new[] { (8, 8), (8, 2), (8, 1) })
                    {
                        foreach (int splits in new[] { 0, 7 })
                        {
                            yield return new TestCaseData(dtype, headDim, lengths, heads, kvHeads, splits)
                                .SetArgDisplayNames($"{dtype} D{headDim} T[{string.Join(",", lengths)}] H{heads}/{kvHeads} splits{splits}");
                        }
                    }
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesTheReference(DType dtype, int headDim, int[] lengths, int heads, int kvHeads, int splits)
    {
        var random = new Random(RandomValues.StableSeed($"{dtype} {headDim} {string.Join(",", lengths)} {heads} {kvHeads} {splits}"));
        int batch = lengths.Length;
        int capacity = Math.Max(1, lengths.Max() + 3);  // rows past each length hold data the kernel must ignore
        var queryLayout = TensorLayout.Bhsd(batch, heads, 1, headDim);
        var cacheLayout = TensorLayout.Bhsd(batch, kvHeads, capacity, headDim);
        (ushort[] qBits, float[] q) = RandomValues.NormalRoundedTo(dtype, queryLayout.RequiredElementCount, random);
        (ushort[] kBits, float[] k) = RandomValues.NormalRoundedTo(dtype, cacheLayout.RequiredElementCount, random);
        (ushort[] vBits, float[] v) = RandomValues.NormalRoundedTo(dtype, cacheLayout.RequiredElementCount, random);

        (float[] output, float[] logSumExp) = Run(dtype, queryLayout, cacheLayout, qBits, kBits, vBits, lengths, splits);
        (double[] expected, double[] expectedLogSumExp) = Reference(q, k, v, lengths, heads, kvHeads, capacity, headDim);

        var errors = ErrorStatistics.Compare(output, expected.Select(x => (float)x).ToArray());
        Tolerance tolerance = Tolerance.For(dtype);
        Assert.Multiple(() =>
        {
            Assert.That(output.All(float.IsFinite), Is.True, "every output element written and finite");
            Assert.That(errors.MaxAbsoluteError, Is.LessThanOrEqualTo(tolerance.MaxAbsoluteError), $"max-abs, tolerance {tolerance}");
            Assert.That(errors.RelativeL2Error, Is.LessThanOrEqualTo(tolerance.RelativeL2Error), $"rel-L2, tolerance {tolerance}");
            for (int i = 0; i < logSumExp.Length; i++)
            {
                if (double.IsNegativeInfinity(expectedLogSumExp[i]))
                {
                    Assert.That(logSumExp[i], Is.EqualTo(float.NegativeInfinity), $"log-sum-exp {i} of an empty sequence");
                }
                else
                {
                    Assert.That(logSumExp[i], Is.EqualTo(expectedLogSumExp[i]).Within(1e-3), $"log-sum-exp {i}");
                }
            }
        });
    }

    [Test]
    public void RepeatedRunsAreBitIdentical()
    {
        var random = new Random(7);
        int[] lengths = [4097, 1000, 129];
        var queryLayout = TensorLayout.Bhsd(3, 32, 1, 128);
        var cacheLayout = TensorLayout.Bhsd(3, 8, 4100, 128);
        (ushort[] qBits, _) = RandomValues.NormalRoundedTo(DType.BFloat16, queryLayout.RequiredElementCount, random);
        (ushort[] kBits, _) = RandomValues.NormalRoundedTo(DType.BFloat16, cacheLayout.RequiredElementCount, random);
        (ushort[] vBits, _) = RandomValues.NormalRoundedTo(DType.BFloat16, cacheLayout.RequiredElementCount, random);
        (float[] first, float[] firstLse) = Run(DType.BFloat16, queryLayout, cacheLayout, qBits, kBits, vBits, lengths, 0);
        for (int run = 1; run < 10; run++)
        {
            (float[] again, float[] againLse) = Run(DType.BFloat16, queryLayout, cacheLayout, qBits, kBits, vBits, lengths, 0);
            Assert.That(again, Is.EqualTo(first), $"run {run}: output");
            Assert.That(againLse, Is.EqualTo(firstLse), $"run {run}: log-sum-exp");
        }
    }

    [Test]
    public void ALengthsBufferTooShortAndMaxLengthPastTheCapacityAreRejected()
    {
        var queryLayout = TensorLayout.Bhsd(2, 4, 1, 64);
        var cacheLayout = TensorLayout.Bhsd(2, 4, 16, 64);
        using var q = new DeviceBuffer(Context, queryLayout.RequiredElementCount * sizeof(ushort));
        using var cache = new DeviceBuffer(Context, cacheLayout.RequiredElementCount * sizeof(ushort));
        using var output = new DeviceBuffer(Context, queryLayout.RequiredElementCount * sizeof(ushort));
        using var oneLength = new DeviceBuffer(Context, sizeof(int));
        using var lengths = new DeviceBuffer(Context, 2 * sizeof(int));
        DeviceTensor Q() => new(q, DType.BFloat16, queryLayout);
        DeviceTensor Cache() => new(cache, DType.BFloat16, cacheLayout);
        DeviceTensor Output() => new(output, DType.BFloat16, queryLayout);
        Assert.Multiple(() =>
        {
            Assert.That(() => Attention.DenseDecodeWorkspaceSize(Context, Q(), Cache(), Cache(), oneLength, 16, Output()),
                Throws.ArgumentException.With.Message.Contains("sequenceLengths"));
            Assert.That(() => Attention.DenseDecodeWorkspaceSize(Context, Q(), Cache(), Cache(), lengths, 17, Output()),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("maxLength"));
            Assert.That(() => Attention.DenseDecodeWorkspaceSize(Context, Q(), Cache(), Cache(), lengths, 16, Output(), splits: Attention.MaxDecodeSplits + 1),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("splits"));
        });
    }

    private (float[] Output, float[] LogSumExp) Run(
        DType dtype, TensorLayout queryLayout, TensorLayout cacheLayout, ushort[] qBits, ushort[] kBits, ushort[] vBits, int[] lengths, int splits)
    {
        int batch = lengths.Length;
        int heads = (int)queryLayout.Lengths[1];
        using DeviceBuffer qBuffer = Upload<ushort>(qBits);
        using DeviceBuffer kBuffer = Upload<ushort>(kBits);
        using DeviceBuffer vBuffer = Upload<ushort>(vBits);
        using DeviceBuffer lengthBuffer = Upload<int>(lengths);
        using var outputBuffer = new DeviceBuffer(Context, queryLayout.RequiredElementCount * sizeof(ushort));
        using var logSumExpBuffer = new DeviceBuffer(Context, batch * heads * sizeof(float));
        outputBuffer.Fill(NaNPoison);
        logSumExpBuffer.Fill(NaNPoison);
        var qTensor = new DeviceTensor(qBuffer, dtype, queryLayout);
        var kTensor = new DeviceTensor(kBuffer, dtype, cacheLayout);
        var vTensor = new DeviceTensor(vBuffer, dtype, cacheLayout);
        var outputTensor = new DeviceTensor(outputBuffer, dtype, queryLayout);
        long maxLength = lengths.Max();
        long bytes = Attention.DenseDecodeWorkspaceSize(Context, qTensor, kTensor, vTensor, lengthBuffer, maxLength, outputTensor, logSumExpBuffer, splits);
        using var workspace = new DeviceBuffer(Context, Math.Max(bytes, 1));
        Attention.DenseDecode(Context, qTensor, kTensor, vTensor, lengthBuffer, maxLength, outputTensor, workspace, logSumExpBuffer, splits);
        Context.Synchronize();

        var outputBits = new ushort[queryLayout.RequiredElementCount];
        outputBuffer.CopyToHost<ushort>(outputBits);
        var output = new float[outputBits.Length];
        HalfPrecision.Decode(outputBits, output, dtype);
        var logSumExp = new float[batch * heads];
        logSumExpBuffer.CopyToHost<float>(logSumExp);
        return (output, logSumExp);
    }

    /// <summary>softmax(q·kᵀ/√D)·v over the first lengths[b] tokens, in double; empty: zeros and −∞.</summary>
    private static (double[] Output, double[] LogSumExp) Reference(
        float[] q, float[] k, float[] v, int[] lengths, int heads, int kvHeads, int capacity, int dim)
    {
        int batch = lengths.Length;
        var output = new double[batch * heads * dim];
        var logSumExp = new double[batch * heads];
        double scale = 1 / Math.Sqrt(dim);
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                int kvHead = h / (heads / kvHeads);
                int row = b * heads + h;
                if (lengths[b] == 0)
                {
                    logSumExp[row] = double.NegativeInfinity;
                    continue;
                }

                var scores = new double[lengths[b]];
                for (int t = 0; t < lengths[b]; t++)
                {
                    long key = ((long)(b * kvHeads + kvHead) * capacity + t) * dim;
                    double dot = 0;
                    for (int d = 0; d < dim; d++)
                    {
                        dot += (double)q[row * dim + d] * k[key + d];
                    }

                    scores[t] = dot * scale;
                }

                double max = scores.Max();
                double sum = scores.Sum(score => Math.Exp(score - max));
                logSumExp[row] = max + Math.Log(sum);
                for (int t = 0; t < lengths[b]; t++)
                {
                    double p = Math.Exp(scores[t] - max) / sum;
                    long value = ((long)(b * kvHeads + kvHead) * capacity + t) * dim;
                    for (int d = 0; d < dim; d++)
                    {
                        output[row * dim + d] += p * v[value + d];
                    }
                }
            }
        }

        return (output, logSumExp);
    }
}

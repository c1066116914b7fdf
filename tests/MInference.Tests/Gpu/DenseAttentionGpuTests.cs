using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// The dense attention kernel against the CPU reference over the case grid of
/// <see cref="DenseAttentionCases"/>. Outputs are poisoned with NaN before each launch, so an element
/// the kernel never writes fails the finiteness check.
/// </summary>
public sealed class DenseAttentionGpuTests : GpuFixture
{
    private const byte NaNPoison = 0xFF; // 0xFFFF is NaN in fp16 and bf16, 0xFFFFFFFF in fp32.

    [TestCaseSource(typeof(DenseAttentionCases), nameof(DenseAttentionCases.All))]
    public void MatchesTheCpuReference(DenseCase testCase)
    {
        int seed = RandomValues.StableSeed(testCase.ToString());
        var random = new Random(seed);
        DType dtype = testCase.DType;
        TensorLayout queryLayout = testCase.QueryLayout;
        TensorLayout keyValueLayout = testCase.KeyValueLayout;
        (ushort[] qBits, float[] q) = RandomValues.NormalRoundedTo(dtype, queryLayout.RequiredElementCount, random);
        (ushort[] kBits, float[] k) = RandomValues.NormalRoundedTo(dtype, keyValueLayout.RequiredElementCount, random);
        (ushort[] vBits, float[] v) = RandomValues.NormalRoundedTo(dtype, keyValueLayout.RequiredElementCount, random);
        int logSumExpLength = testCase.Batch * testCase.Heads * testCase.QLen;

        using DeviceBuffer qBuffer = Upload<ushort>(qBits);
        using DeviceBuffer kBuffer = Upload<ushort>(kBits);
        using DeviceBuffer vBuffer = Upload<ushort>(vBits);
        using var outputBuffer = new DeviceBuffer(Context, queryLayout.RequiredElementCount * sizeof(ushort));
        using DeviceBuffer? logSumExpBuffer = testCase.WithLogSumExp ? new DeviceBuffer(Context, logSumExpLength * sizeof(float)) : null;
        outputBuffer.Fill(NaNPoison);
        logSumExpBuffer?.Fill(NaNPoison);

        Attention.Dense(
            Context,
            new DeviceTensor(qBuffer, dtype, queryLayout),
            new DeviceTensor(kBuffer, dtype, keyValueLayout),
            new DeviceTensor(vBuffer, dtype, keyValueLayout),
            new DeviceTensor(outputBuffer, dtype, queryLayout),
            testCase.Options,
            logSumExpBuffer);
        Context.Synchronize();

        var outputBits = new ushort[queryLayout.RequiredElementCount];
        outputBuffer.CopyToHost<ushort>(outputBits);
        var output = new float[outputBits.Length];
        HalfPrecision.Decode(outputBits, output, dtype);
        var logSumExp = new float[logSumExpLength];
        logSumExpBuffer?.CopyToHost<float>(logSumExp);

        int[] rows = testCase.SampleRows ? RowSampling.TileEdgesAndSpread(testCase.QLen) : Enumerable.Range(0, testCase.QLen).ToArray();
        var expected = new float[output.Length];
        var expectedLogSumExp = new float[logSumExpLength];
        CpuAttention.DenseRows(
            new ReadOnlyHostTensor(q, queryLayout),
            new ReadOnlyHostTensor(k, keyValueLayout),
            new ReadOnlyHostTensor(v, keyValueLayout),
            rows,
            new HostTensor(expected, queryLayout),
            testCase.Options,
            expectedLogSumExp);

        var comparison = RowComparison.Compare(output, expected, queryLayout, rows);
        Tolerance tolerance = Tolerance.For(dtype);
        long nonFinite = output.LongCount(value => !float.IsFinite(value));
        string context = $"{testCase} (seed {seed}, {rows.Length} rows/head): max-abs {comparison.Errors.MaxAbsoluteError:E3}, " +
            $"rel-L2 {comparison.Errors.RelativeL2Error:E3}, tolerance {tolerance}; worst element {comparison.WorstElement}";
        Assert.Multiple(() =>
        {
            Assert.That(nonFinite, Is.Zero, $"{testCase}: {nonFinite} of {output.Length} outputs are NaN/inf (unwritten, or overflowed)");
            Assert.That(comparison.Errors.MaxAbsoluteError, Is.LessThanOrEqualTo(tolerance.MaxAbsoluteError), context);
            Assert.That(comparison.Errors.RelativeL2Error, Is.LessThanOrEqualTo(tolerance.RelativeL2Error), context);
            if (testCase.WithLogSumExp)
            {
                AssertLogSumExpMatches(testCase, logSumExp, expectedLogSumExp, rows);
            }
        });
    }

    private static void AssertLogSumExpMatches(DenseCase testCase, float[] actual, float[] expected, int[] rows)
    {
        TensorLayout layout = TensorLayout.Contiguous(testCase.Batch, testCase.Heads, testCase.QLen, 1);
        var comparison = RowComparison.Compare(actual, expected, layout, rows);
        long nonFinite = actual.LongCount(value => !float.IsFinite(value));
        Assert.That(nonFinite, Is.Zero, $"{testCase}: {nonFinite} of {actual.Length} log-sum-exp values are NaN/inf (unwritten?)");
        Assert.That(
            comparison.Errors.MaxAbsoluteError,
            Is.LessThanOrEqualTo(Tolerance.LogSumExpMaxAbsoluteError),
            $"{testCase}: log-sum-exp max-abs {comparison.Errors.MaxAbsoluteError:E3} > {Tolerance.LogSumExpMaxAbsoluteError:E1}; worst {comparison.WorstElement}");
    }
}

using MInference.Sparse;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// The whole GPU pipeline: estimate, select and convert in one call (timed per step), then
/// <see cref="Attention.VerticalSlash"/> over the index the GPU chose, against
/// <see cref="SparseAttentionReference.VerticalSlash"/> over the same index (downloaded into a
/// <see cref="VerticalSlashIndex"/>), within the dense tolerances. Unlisted heads keep their NaN poison.
/// </summary>
public sealed class VerticalSlashEndToEndGpuTests : GpuFixture
{
    private const byte NaNPoison = 0xFF;

    [TestCaseSource(typeof(VerticalSlashGpuCases), nameof(VerticalSlashGpuCases.All))]
    public void AttentionOverTheGpuIndexMatchesTheReference(VerticalSlashGpuCase testCase)
    {
        using var inputs = VerticalSlashGpuInputs.Create(Context, testCase);
        using var timer = new GpuTimer(Context);
        using DeviceVerticalSlashIndex index = VerticalSlashGpu.BuildIndex(Context, inputs.QTensor, inputs.KTensor, SparseCase.Heads, testCase.Pattern, timer: timer);
        VerticalSlashIndex hostIndex = index.Download();

        TensorLayout queryLayout = inputs.Q.Layout;
        int logSumExpLength = testCase.Batch * SparseCase.QueryHeads * testCase.SequenceLength;
        using var outputBuffer = new DeviceBuffer(Context, queryLayout.RequiredElementCount * sizeof(ushort));
        using var logSumExpBuffer = new DeviceBuffer(Context, logSumExpLength * sizeof(float));
        outputBuffer.Fill(NaNPoison);
        logSumExpBuffer.Fill(NaNPoison);
        Attention.VerticalSlash(
            Context, inputs.QTensor, inputs.KTensor, inputs.VTensor, new DeviceTensor(outputBuffer, testCase.DType, queryLayout),
            index.Blocks, index.Columns, index.Heads.Span, logSumExpBuffer);

        int[] rows = testCase.SampleRows ? RowSampling.TileEdgesAndSpread(testCase.SequenceLength) : Enumerable.Range(0, testCase.SequenceLength).ToArray();
        var expected = new float[queryLayout.RequiredElementCount];
        var expectedLogSumExp = new float[logSumExpLength];
        SparseAttentionReference.VerticalSlash(
            inputs.Q, inputs.K, inputs.V, hostIndex, new HostTensor(expected, queryLayout), expectedLogSumExp, new SparseReferenceOptions { QueryRows = rows });

        Context.Synchronize();
        var outputBits = new ushort[queryLayout.RequiredElementCount];
        outputBuffer.CopyToHost<ushort>(outputBits);
        var actual = new float[outputBits.Length];
        HalfPrecision.Decode(outputBits, actual, testCase.DType);
        var logSumExp = new float[logSumExpLength];
        logSumExpBuffer.CopyToHost<float>(logSumExp);

        Assert.Multiple(() =>
        {
            Assert.That(index.Heads.ToArray(), Is.EqualTo(SparseCase.Heads), $"{testCase}: heads");
            AssertStepTimes(index.StepTimes, testCase);
            AssertMatches(testCase, inputs.Seed, rows, actual, expected, logSumExp, expectedLogSumExp);
        });
    }

    private static void AssertStepTimes(VerticalSlashStepTimes? stepTimes, VerticalSlashGpuCase testCase)
    {
        Assert.That(stepTimes, Is.Not.Null, $"{testCase}: built with a timer but no step times");
        if (stepTimes is { } times)
        {
            float[] each = [times.EstimateMilliseconds, times.SelectMilliseconds, times.IndexMilliseconds];
            Assert.That(each, Is.All.GreaterThanOrEqualTo(0f).And.All.LessThan(60_000f), $"{testCase}: step times {times}");
        }
    }

    /// <summary>As <see cref="SparseAttentionGpuTests"/> compares: listed heads within the dense tolerances, the others untouched.</summary>
    private static void AssertMatches(VerticalSlashGpuCase testCase, int seed, int[] rows, float[] actual, float[] expected, float[] logSumExp, float[] expectedLogSumExp)
    {
        TensorLayout layout = TensorLayout.Bhsd(testCase.Batch, SparseCase.QueryHeads, testCase.SequenceLength, testCase.HeadDim);
        TensorLayout logSumExpLayout = TensorLayout.Contiguous(testCase.Batch, SparseCase.QueryHeads, testCase.SequenceLength, 1);
        var comparison = RowComparison.Compare(actual, expected, layout, rows, SparseCase.Heads);
        var logSumExpComparison = RowComparison.Compare(logSumExp, expectedLogSumExp, logSumExpLayout, rows, SparseCase.Heads);
        int[] otherHeads = Enumerable.Range(0, SparseCase.QueryHeads).Except(SparseCase.Heads).ToArray();
        long touchedElsewhere = CountFinite(actual, layout, otherHeads);
        Tolerance tolerance = Tolerance.For(testCase.DType);
        string context = $"{testCase} (seed {seed}, {rows.Length} rows/head): max-abs {comparison.Errors.MaxAbsoluteError:E3}, " +
            $"rel-L2 {comparison.Errors.RelativeL2Error:E3}, tolerance {tolerance}; worst element {comparison.WorstElement}";
        Assert.That(comparison.Errors.NonFiniteCount, Is.Zero, $"{testCase}: listed heads have NaN/inf outputs (unwritten?)");
        Assert.That(comparison.Errors.MaxAbsoluteError, Is.LessThanOrEqualTo(tolerance.MaxAbsoluteError), context);
        Assert.That(comparison.Errors.RelativeL2Error, Is.LessThanOrEqualTo(tolerance.RelativeL2Error), context);
        Assert.That(
            logSumExpComparison.Errors.MaxAbsoluteError,
            Is.LessThanOrEqualTo(Tolerance.LogSumExpMaxAbsoluteError),
            $"{testCase}: log-sum-exp max-abs {logSumExpComparison.Errors.MaxAbsoluteError:E3}; worst {logSumExpComparison.WorstElement}");
        Assert.That(touchedElsewhere, Is.Zero, $"{testCase}: {touchedElsewhere} outputs of unlisted heads were written");
    }

    private static long CountFinite(float[] values, TensorLayout layout, int[] heads)
    {
        long count = 0;
        ReadOnlySpan<nint> lengths = layout.Lengths;
        for (nint b = 0; b < lengths[0]; b++)
        {
            foreach (int h in heads)
            {
                for (nint row = 0; row < lengths[2]; row++)
                {
                    for (nint d = 0; d < lengths[3]; d++)
                    {
                        count += float.IsFinite(values[layout.GetOffset(b, h, row, d)]) ? 1 : 0;
                    }
                }
            }
        }

        return count;
    }
}

using MInference.Sparse.Gpu;
using MInference.Sparse.Indexes;
using MInference.Sparse.References;
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
            HeadSubsetAssert.Matches(
                $"{testCase} (seed {inputs.Seed})",
                testCase.DType,
                TensorLayout.Bhsd(testCase.Batch, SparseCase.QueryHeads, testCase.SequenceLength, testCase.HeadDim),
                SparseCase.Heads,
                rows,
                actual,
                expected,
                logSumExp,
                expectedLogSumExp);
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
}

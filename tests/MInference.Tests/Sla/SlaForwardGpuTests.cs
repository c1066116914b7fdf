using MInference.Sla;
using MInference.Tests.Gpu;
using MInference.Tests.Support;

namespace MInference.Tests.Sla;

/// <summary>
/// SLA's forward on the GPU against <see cref="SlaReference.Forward"/> per head, on the same rounded
/// inputs, with the GPU's own mask (copied back) and a random non-zero projection (the released zero
/// initialisation would hide the linear branch), rounded to fp32 as the device holds it. O, O_s, O_l
/// and the log-sum-exp are compared within <see cref="SlaGpuTolerance"/>; every output is poisoned with
/// NaN first, so an element the kernels never write fails the finiteness check.
/// </summary>
public sealed class SlaForwardGpuTests : GpuFixture
{
    private const byte NaNPoison = 0xFF; // 0xFFFF is NaN in fp16 and bf16, 0xFFFFFFFF in fp32.

    [TestCaseSource(typeof(SlaForwardCase), nameof(SlaForwardCase.All))]
    public void MatchesTheCpuReference(SlaForwardCase testCase)
    {
        int seed = RandomValues.StableSeed($"sla-forward {testCase}");
        using SlaGpuOperands operands = SlaGpuOperands.Normal(Context, testCase.DType, testCase.Layout, new Random(seed));
        SlaProjection projection = SlaTestHeads.FloatProjection(seed, testCase.HeadDim);
        using SlaDeviceProjection deviceProjection = SlaDeviceProjection.Upload(Context, projection);
        using SlaDeviceMask mask = GpuSparseLinearAttention.PredictMask(Context, operands.Q, operands.K, testCase.Options, keepClasses: true);
        using SlaDeviceSavedState state = SlaDeviceSavedState.Allocate(Context, operands.Q, mask);
        foreach (DeviceBuffer written in (DeviceBuffer[])[operands.Output.Buffer, state.SparseOutput.Buffer, state.LinearOutput.Buffer, state.LogSumExp])
        {
            written.Fill(NaNPoison);
        }

        long workspaceBytes = GpuSparseLinearAttention.ForwardWorkspaceSize(Context, operands.Q, operands.K, operands.V, deviceProjection, testCase.Options, operands.Output, state);
        using var workspace = new DeviceBuffer(Context, Math.Max(workspaceBytes, 1));
        GpuSparseLinearAttention.Forward(Context, operands.Q, operands.K, operands.V, deviceProjection, testCase.Options, operands.Output, state, workspace);
        Context.Synchronize();

        SlaReferenceForward[] expected = Reference(operands, mask.CopyClassesToHost(), projection, testCase.Options);
        SlaGpuTolerance tolerance = SlaGpuTolerance.For(testCase.DType);
        float[] linear = SlaGpuOperands.Download(state.LinearOutput);
        Assert.Multiple(() =>
        {
            SlaGpuAssert.Close("O", SlaGpuOperands.Download(operands.Output), expected.Select(head => head.Output), testCase.Layout, tolerance.Output, testCase);
            SlaGpuAssert.Close("O_s", SlaGpuOperands.Download(state.SparseOutput), expected.Select(head => head.SparseOutput), state.SparseOutput.Layout, tolerance.SparseOutput, testCase);
            SlaGpuAssert.Close("O_l", linear, expected.Select(head => head.LinearOutput), state.LinearOutput.Layout, tolerance.LinearOutput, testCase);
            AssertLogSumExp(state, expected, testCase);
            if (testCase.LinearBranchVanishes)
            {
                Assert.That(linear, Is.All.EqualTo(0f), $"{testCase}: every block is critical, so the paper's linear branch is empty and O_l is 0");
            }
        });
    }

    [Test]
    public void TheAllocatingForwardPredictsAndOwnsItsMask()
    {
        var options = new SlaOptions { CriticalFraction = 0.2, NegligibleFraction = 0.2 };
        using SlaGpuOperands operands = SlaGpuOperands.Normal(Context, DType.BFloat16, TensorLayout.Bhsd(2, 2, 300, 64), new Random(11));
        SlaProjection projection = SlaTestHeads.FloatProjection(11, 64);
        using SlaDeviceProjection deviceProjection = SlaDeviceProjection.Upload(Context, projection);
        operands.Output.Buffer.Fill(NaNPoison);
        SlaDeviceSavedState state = GpuSparseLinearAttention.Forward(Context, operands.Q, operands.K, operands.V, deviceProjection, options, operands.Output);
        SlaDeviceMask predicted = state.Mask;
        using (state)
        using (SlaDeviceMask withClasses = GpuSparseLinearAttention.PredictMask(Context, operands.Q, operands.K, options, keepClasses: true))
        {
            Context.Synchronize();
            SlaReferenceForward[] expected = Reference(operands, withClasses.CopyClassesToHost(), projection, options);
            Assert.Multiple(() =>
            {
                Assert.That(state.OwnsMask, Is.True);
                Assert.That(predicted.HasClasses, Is.False);
                SlaGpuAssert.Close("O", SlaGpuOperands.Download(operands.Output), expected.Select(head => head.Output), operands.Layout, SlaGpuTolerance.For(DType.BFloat16).Output, "allocating forward");
            });
        }

        Assert.That(predicted.IsDisposed, Is.True, "disposing the state disposes the mask it predicted");
    }

    [Test]
    public void AGivenMaskStaysTheCallers()
    {
        var options = new SlaOptions();
        using SlaGpuOperands operands = SlaGpuOperands.Normal(Context, DType.Float16, TensorLayout.Bshd(1, 130, 2, 96), new Random(12));
        using SlaDeviceProjection deviceProjection = SlaDeviceProjection.Upload(Context, SlaTestHeads.FloatProjection(12, 96));
        using SlaDeviceMask mask = GpuSparseLinearAttention.PredictMask(Context, operands.Q, operands.K, options);
        SlaDeviceSavedState state = GpuSparseLinearAttention.Forward(Context, operands.Q, operands.K, operands.V, deviceProjection, options, operands.Output, mask);
        Assert.Multiple(() =>
        {
            Assert.That(state.OwnsMask, Is.False);
            Assert.That(state.Mask, Is.SameAs(mask));
        });
        state.Dispose();
        Context.Synchronize();
        Assert.Multiple(() =>
        {
            Assert.That(state.IsDisposed, Is.True);
            Assert.That(mask.IsDisposed, Is.False, "the caller's mask outlives the state");
        });
    }

    private static SlaReferenceForward[] Reference(SlaGpuOperands operands, SlaBlockMask[] masks, SlaProjection projection, SlaOptions options)
    {
        var expected = new SlaReferenceForward[masks.Length];
        Parallel.For(0, masks.Length, index =>
            expected[index] = SlaReference.Forward(operands.Head(index / operands.Heads, index % operands.Heads), masks[index], projection, options));
        return expected;
    }

    private static void AssertLogSumExp(SlaDeviceSavedState state, SlaReferenceForward[] expected, SlaForwardCase testCase)
    {
        float[] actual = new float[state.LogSumExp.LengthInBytes / sizeof(float)];
        state.LogSumExp.CopyToHost<float>(actual);
        float[] reference = [.. expected.SelectMany(head => head.LogSumExp).Select(value => (float)value)];
        ErrorStatistics errors = ErrorStatistics.Compare(actual, reference);
        Assert.That(errors.NonFiniteCount, Is.Zero, $"{testCase}: the log-sum-exp has {errors.NonFiniteCount} NaN/inf values (unwritten?)");
        Assert.That(errors.MaxAbsoluteError, Is.LessThanOrEqualTo(SlaGpuTolerance.LogSumExpMaxAbsoluteError), $"{testCase}: log-sum-exp max-abs {errors.MaxAbsoluteError:E3}");
    }
}

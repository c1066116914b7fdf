using MInference.Sla;
using MInference.Tests.Gpu;
using MInference.Tests.Support;

namespace MInference.Tests.Sla;

/// <summary>
/// SLA's backward on the GPU against <see cref="SlaReference.Backward"/> per head, on the same rounded
/// q, k, v and dO, with the mask the GPU forward used (copied back) and a random non-zero projection
/// rounded to fp32 as the device holds it. dQ, dK, dV, dW and db are compared within
/// <see cref="SlaBackwardGpuTolerance"/>; the gradients are poisoned with NaN first, so an element
/// the kernels never write fails the finiteness check.
/// </summary>
public sealed class SlaBackwardGpuTests : GpuFixture
{
    [TestCaseSource(typeof(SlaBackwardCase), nameof(SlaBackwardCase.All))]
    public void MatchesTheCpuReference(SlaBackwardCase testCase)
    {
        int seed = RandomValues.StableSeed($"sla-backward {testCase}");
        var random = new Random(seed);
        using SlaGpuOperands operands = SlaGpuOperands.Normal(Context, testCase.DType, testCase.Layout, random);
        using var gradients = new SlaGpuGradients(Context, testCase.DType, testCase.GradientLayout, random);
        SlaProjection projection = SlaTestHeads.FloatProjection(seed, testCase.HeadDim);
        using SlaDeviceProjection deviceProjection = SlaDeviceProjection.Upload(Context, projection);
        using SlaDeviceMask mask = GpuSparseLinearAttention.PredictMask(Context, operands.Q, operands.K, testCase.Options, keepClasses: true);
        using SlaDeviceSavedState state = GpuSparseLinearAttention.Forward(Context, operands.Q, operands.K, operands.V, deviceProjection, testCase.Options, operands.Output, mask);
        using SlaDeviceProjectionGradients projectionGradients = SlaDeviceProjectionGradients.Allocate(Context, testCase.HeadDim);
        long workspaceBytes = BackwardWorkspaceSize(operands, gradients, deviceProjection, testCase.Options, state, projectionGradients);
        using var workspace = new DeviceBuffer(Context, Math.Max(workspaceBytes, 1));
        Backward(operands, gradients, deviceProjection, testCase.Options, state, projectionGradients, workspace);

        SlaReferenceGradients[] expected = Reference(operands, gradients, mask.CopyClassesToHost(), projection, testCase.Options);
        SlaParameterGradients actual = projectionGradients.CopyToHost();
        double tolerance = SlaBackwardGpuTolerance.RelativeL2(testCase.DType);
        Assert.Multiple(() =>
        {
            if (testCase.QueryKeyGradientsCancel)
            {
                // Near-zero by cancellation: bounded in absolute terms by the size of dO instead.
                double bound = CancellationBound(gradients);
                SlaGpuAssert.Near("dQ", SlaGpuOperands.Download(gradients.Query), expected.Select(head => head.Query), gradients.Layout, bound, testCase);
                SlaGpuAssert.Near("dK", SlaGpuOperands.Download(gradients.Key), expected.Select(head => head.Key), gradients.Layout, bound, testCase);
            }
            else
            {
                SlaGpuAssert.Close("dQ", SlaGpuOperands.Download(gradients.Query), expected.Select(head => head.Query), gradients.Layout, tolerance, testCase);
                SlaGpuAssert.Close("dK", SlaGpuOperands.Download(gradients.Key), expected.Select(head => head.Key), gradients.Layout, tolerance, testCase);
            }

            SlaGpuAssert.Close("dV", SlaGpuOperands.Download(gradients.Value), expected.Select(head => head.Value), gradients.Layout, tolerance, testCase);
            AssertClose("dW", actual.Weight, SumOverHeads(expected, head => head.Weight), tolerance, testCase);
            AssertClose("db", actual.Bias, SumOverHeads(expected, head => head.Bias), tolerance, testCase);
            if (testCase.LinearBranchVanishes)
            {
                Assert.That(actual.Weight, Is.All.EqualTo(0.0), $"{testCase}: every block is critical, so the paper's O_l is 0 and dW = Σ dO·O_lᵀ is exactly 0");
            }
        });
    }

    /// <summary>
    /// 2 % of dO's largest magnitude: the terms that cancel are |dO_l·v| / den with dO_l = dO·W (W
    /// entries N(0, 0.5²)) and den = φ(q)·φ(k), each rounded once to 16 bits, so their residue is a
    /// few units of roundoff of a quantity of order D·|dO| at most; measured 3·10⁻⁴·max|dO| in fp16.
    /// </summary>
    private static double CancellationBound(SlaGpuGradients gradients) =>
        0.02 * SlaGpuOperands.Download(gradients.OutputGradient).Max(value => Math.Abs((double)value));

    [Test]
    public void TwoBackwardsAreBitIdenticalAndBothFormsAgree()
    {
        var options = new SlaOptions { CriticalFraction = 0.2, NegligibleFraction = 0.2, FeatureMap = SlaFeatureMap.EluPlusOne };
        var random = new Random(21);
        using SlaGpuOperands operands = SlaGpuOperands.Normal(Context, DType.BFloat16, TensorLayout.Bhsd(2, 2, 1000, 128), random);
        using var gradients = new SlaGpuGradients(Context, DType.BFloat16, operands.Layout, random);
        using SlaDeviceProjection projection = SlaDeviceProjection.Upload(Context, SlaTestHeads.FloatProjection(21, 128));
        using SlaDeviceSavedState state = GpuSparseLinearAttention.Forward(Context, operands.Q, operands.K, operands.V, projection, options, operands.Output);

        using SlaDeviceProjectionGradients first = GpuSparseLinearAttention.Backward(
            Context, operands.Q, operands.K, operands.V, projection, options, state, gradients.OutputGradient, gradients.Query, gradients.Key, gradients.Value);
        byte[][] firstBits = Bits(gradients, first);
        gradients.Poison();
        using SlaDeviceProjectionGradients second = SlaDeviceProjectionGradients.Allocate(Context, 128);
        using var workspace = new DeviceBuffer(Context, BackwardWorkspaceSize(operands, gradients, projection, options, state, second));
        workspace.Fill(0xA5); // a workspace holding other bytes than the first one's must not matter
        Backward(operands, gradients, projection, options, state, second, workspace);
        byte[][] secondBits = Bits(gradients, second);

        string[] names = ["dQ", "dK", "dV", "dW", "db"];
        Assert.Multiple(() =>
        {
            for (int i = 0; i < names.Length; i++)
            {
                Assert.That(secondBits[i], Is.EqualTo(firstBits[i]), $"{names[i]} differs between two backwards on the same inputs");
            }
        });
    }

    private long BackwardWorkspaceSize(
        SlaGpuOperands operands, SlaGpuGradients gradients, SlaDeviceProjection projection, SlaOptions options, SlaDeviceSavedState state, SlaDeviceProjectionGradients projectionGradients) =>
        GpuSparseLinearAttention.BackwardWorkspaceSize(
            Context, operands.Q, operands.K, operands.V, projection, options, state, gradients.OutputGradient, gradients.Query, gradients.Key, gradients.Value, projectionGradients);

    private void Backward(
        SlaGpuOperands operands, SlaGpuGradients gradients, SlaDeviceProjection projection, SlaOptions options, SlaDeviceSavedState state,
        SlaDeviceProjectionGradients projectionGradients, DeviceBuffer workspace) =>
        GpuSparseLinearAttention.Backward(
            Context, operands.Q, operands.K, operands.V, projection, options, state, gradients.OutputGradient, gradients.Query, gradients.Key, gradients.Value, projectionGradients, workspace);

    private static SlaReferenceGradients[] Reference(SlaGpuOperands operands, SlaGpuGradients gradients, SlaBlockMask[] masks, SlaProjection projection, SlaOptions options)
    {
        var expected = new SlaReferenceGradients[masks.Length];
        Parallel.For(0, masks.Length, index =>
        {
            int b = index / operands.Heads, h = index % operands.Heads;
            expected[index] = SlaReference.Backward(operands.Head(b, h), masks[index], projection, options, gradients.OutputGradientHead(b, h));
        });
        return expected;
    }

    /// <summary>dW or db of every head summed in (batch, head) order, as <see cref="CpuSparseLinearAttention.Backward"/> sums them.</summary>
    private static double[] SumOverHeads(SlaReferenceGradients[] perHead, Func<SlaReferenceGradients, double[]> select)
    {
        var sum = new double[select(perHead[0]).Length];
        foreach (SlaReferenceGradients head in perHead)
        {
            double[] values = select(head);
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += values[i];
            }
        }

        return sum;
    }

    private static void AssertClose(string name, double[] actual, double[] expected, double relativeL2, object testCase)
    {
        ErrorStatistics errors = ErrorStatistics.Compare([.. actual.Select(value => (float)value)], [.. expected.Select(value => (float)value)]);
        Assert.That(errors.NonFiniteCount, Is.Zero, $"{testCase}: {name} has {errors.NonFiniteCount} NaN/inf values");
        Assert.That(errors.RelativeL2Error, Is.LessThanOrEqualTo(relativeL2), $"{testCase}: {name} rel-L2 {errors.RelativeL2Error:E3} > {relativeL2:E1} (max-abs {errors.MaxAbsoluteError:E3})");
    }

    /// <summary>The bytes of dQ, dK, dV, dW and db (waits for the backward).</summary>
    private static byte[][] Bits(SlaGpuGradients gradients, SlaDeviceProjectionGradients projectionGradients) =>
        [Download(gradients.Query.Buffer), Download(gradients.Key.Buffer), Download(gradients.Value.Buffer), Download(projectionGradients.Weight), Download(projectionGradients.Bias)];
}

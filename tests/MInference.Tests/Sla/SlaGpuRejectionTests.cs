using MInference.Sla;
using MInference.Tests.Gpu;

namespace MInference.Tests.Sla;

/// <summary>
/// The checks of <see cref="GpuSparseLinearAttention"/> and the SLA device types that need device
/// objects, end to end on a device: each call is rejected before any SLA kernel is launched, with a
/// typed exception naming the parameter. (<see cref="SlaGpuValidationTests"/> covers the operand
/// rules without a GPU.)
/// </summary>
public sealed class SlaGpuRejectionTests : GpuFixture
{
    private static readonly TensorLayout s_layout = TensorLayout.Bhsd(2, 2, 200, 64);
    private static readonly SlaOptions s_options = new() { CriticalFraction = 0.25, NegligibleFraction = 0.25 };

    [Test]
    public void ClassesOfAMaskMadeWithoutThemCannotBeCopied()
    {
        using SlaGpuOperands operands = Operands();
        using SlaDeviceMask mask = SlaDeviceMask.Allocate(Context, operands.Q, s_options);
        Assert.That(mask.CopyClassesToHost, Throws.InvalidOperationException.With.Message.Contains("keepClasses: true"));
    }

    [Test]
    public void AMaskIsSizedByTheOptions()
    {
        using SlaGpuOperands operands = Operands();
        using SlaDeviceMask mask = SlaDeviceMask.Allocate(Context, operands.Q, s_options, keepClasses: true);
        Assert.Multiple(() =>
        {
            Assert.That(mask.Blocks, Is.EqualTo(4), "ceil(200 / 64)");
            Assert.That(mask.CriticalBlocksPerRow, Is.EqualTo(1));
            Assert.That(mask.NegligibleBlocksPerRow, Is.EqualTo(1));
            Assert.That(mask.Critical.RowCount, Is.EqualTo(2 * 2 * 4));
            Assert.That(mask.Critical.ValueCount, Is.EqualTo(2 * 2 * 4));
            Assert.That(mask.HasClasses, Is.True);
        });
    }

    [Test]
    public void APredictionIntoAMaskOfOtherSizesIsRejected()
    {
        using SlaGpuOperands operands = Operands();
        using SlaGpuOperands longer = Operands(TensorLayout.Bhsd(2, 2, 300, 64));
        using SlaDeviceMask mask = SlaDeviceMask.Allocate(Context, longer.Q, s_options);
        using var workspace = new DeviceBuffer(Context, 1 << 20);
        AssertRejected(() => GpuSparseLinearAttention.PredictMask(Context, operands.Q, operands.K, s_options, mask, workspace), "mask", "N = 300");
    }

    [Test]
    public void APredictionIntoAMaskOfOtherCountsIsRejected()
    {
        using SlaGpuOperands operands = Operands();
        using SlaDeviceMask mask = SlaDeviceMask.Allocate(Context, operands.Q, s_options);
        using var workspace = new DeviceBuffer(Context, 1 << 20);
        AssertRejected(
            () => GpuSparseLinearAttention.PredictMask(Context, operands.Q, operands.K, s_options with { CriticalFraction = 0.5 }, mask, workspace),
            "mask",
            "allocate the mask with the same options");
    }

    [Test]
    public void AProjectionOfAnotherHeadDimIsRejected()
    {
        using SlaGpuOperands operands = Operands();
        using SlaDeviceProjection projection = SlaDeviceProjection.Upload(Context, SlaTestHeads.Projection(1, 96));
        AssertRejected(() => GpuSparseLinearAttention.Forward(Context, operands.Q, operands.K, operands.V, projection, s_options, operands.Output), "projection", "96 x 96");
    }

    [Test]
    public void AForwardOverAMaskOfOtherSizesIsRejected()
    {
        using SlaGpuOperands operands = Operands();
        using SlaGpuOperands wider = Operands(TensorLayout.Bhsd(2, 3, 200, 64));
        using SlaDeviceMask mask = SlaDeviceMask.Allocate(Context, wider.Q, s_options);
        using SlaDeviceProjection projection = SlaDeviceProjection.Upload(Context, SlaTestHeads.Projection(1, 64));
        AssertRejected(() => GpuSparseLinearAttention.Forward(Context, operands.Q, operands.K, operands.V, projection, s_options, operands.Output, mask), "mask", "3 heads");
    }

    [Test]
    public void AForwardOverAMaskOfTheOtherCausalityIsRejected()
    {
        using SlaGpuOperands operands = Operands();
        using SlaDeviceMask bidirectional = SlaDeviceMask.Allocate(Context, operands.Q, s_options);
        using SlaDeviceMask causal = SlaDeviceMask.Allocate(Context, operands.Q, s_options with { Causal = true });
        using SlaDeviceProjection projection = SlaDeviceProjection.Upload(Context, SlaTestHeads.Projection(1, 64));
        Assert.Multiple(() =>
        {
            Assert.That(causal.IsCausal, Is.True);
            Assert.That(causal.Critical.ValueCount, Is.EqualTo(2 * 2 * 4), "k_h 25 % of 1..4 visible blocks: 1 per row");
            AssertRejected(
                () => GpuSparseLinearAttention.Forward(Context, operands.Q, operands.K, operands.V, projection, s_options with { Causal = true }, operands.Output, bidirectional),
                "mask",
                "is bidirectional but the options ask for causal");
            AssertRejected(
                () => GpuSparseLinearAttention.Forward(Context, operands.Q, operands.K, operands.V, projection, s_options, operands.Output, causal),
                "mask",
                "is causal but the options ask for bidirectional");
        });
    }

    [Test]
    public void AnOutputInTheStatesBuffersIsRejected()
    {
        using SlaGpuOperands operands = Operands();
        using SlaDeviceMask mask = SlaDeviceMask.Allocate(Context, operands.Q, s_options);
        using SlaDeviceSavedState state = SlaDeviceSavedState.Allocate(Context, operands.Q, mask);
        using SlaDeviceProjection projection = SlaDeviceProjection.Upload(Context, SlaTestHeads.Projection(1, 64));
        using var workspace = new DeviceBuffer(Context, 1 << 20);
        AssertRejected(
            () => GpuSparseLinearAttention.Forward(Context, operands.Q, operands.K, operands.V, projection, s_options, state.SparseOutput, state, workspace),
            "output",
            "SparseOutput");
    }

    [Test]
    public void AStateOfAnotherDTypeIsRejected()
    {
        using SlaGpuOperands operands = Operands();
        using SlaGpuOperands half = Operands(s_layout, DType.Float16);
        using SlaDeviceMask mask = SlaDeviceMask.Allocate(Context, operands.Q, s_options);
        using SlaDeviceSavedState state = SlaDeviceSavedState.Allocate(Context, half.Q, mask);
        using SlaDeviceProjection projection = SlaDeviceProjection.Upload(Context, SlaTestHeads.Projection(1, 64));
        using var workspace = new DeviceBuffer(Context, 1 << 20);
        AssertRejected(
            () => GpuSparseLinearAttention.Forward(Context, operands.Q, operands.K, operands.V, projection, s_options, operands.Output, state, workspace),
            "state",
            "Float16");
    }

    [Test]
    public void ADisposedProjectionIsRejected()
    {
        using SlaGpuOperands operands = Operands();
        SlaDeviceProjection projection = SlaDeviceProjection.Upload(Context, SlaTestHeads.Projection(1, 64));
        projection.Dispose();
        Assert.That(
            () => GpuSparseLinearAttention.Forward(Context, operands.Q, operands.K, operands.V, projection, s_options, operands.Output),
            Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void WeightsBeyondFp32AreRejected()
    {
        double[] weight = new double[64 * 64];
        weight[5] = 1e300;
        AssertRejected(() => SlaDeviceProjection.Upload(Context, new SlaProjection(weight, new double[64], 64)), "projection", "weight[5]");
    }

    [Test]
    public void AStateOwnsItsMaskOnlyWhenTold()
    {
        using SlaGpuOperands operands = Operands();
        using SlaDeviceMask callers = SlaDeviceMask.Allocate(Context, operands.Q, s_options);
        SlaDeviceMask owned = SlaDeviceMask.Allocate(Context, operands.Q, s_options);
        SlaDeviceSavedState.Allocate(Context, operands.Q, callers).Dispose();
        SlaDeviceSavedState.Allocate(Context, operands.Q, owned, ownsMask: true).Dispose();
        Assert.Multiple(() =>
        {
            Assert.That(callers.IsDisposed, Is.False);
            Assert.That(owned.IsDisposed, Is.True);
        });
    }

    [Test]
    public void AStateOfFloat32IsNotSupported()
    {
        using SlaGpuOperands operands = Operands();
        using SlaDeviceMask mask = SlaDeviceMask.Allocate(Context, operands.Q, s_options);
        using var buffer = new DeviceBuffer(Context, s_layout.ElementCount * sizeof(float));
        SlaDeviceMask owned = SlaDeviceMask.Allocate(Context, operands.Q, s_options);
        Assert.Multiple(() =>
        {
            Assert.That(() => SlaDeviceSavedState.Allocate(Context, new DeviceTensor(buffer, DType.Float32, s_layout), mask), Throws.TypeOf<NotSupportedException>());
            Assert.That(() => SlaDeviceSavedState.Allocate(Context, new DeviceTensor(buffer, DType.Float32, s_layout), owned, ownsMask: true), Throws.TypeOf<NotSupportedException>());
            Assert.That(owned.IsDisposed, Is.True, "a state that fails to allocate still disposes the mask it was to own");
        });
    }

    private SlaGpuOperands Operands(TensorLayout? layout = null, DType dtype = DType.BFloat16) =>
        SlaGpuOperands.Normal(Context, dtype, layout ?? s_layout, new Random(3));

    private static void AssertRejected(TestDelegate call, string parameter, string messagePart)
    {
        var error = Assert.Throws(Is.InstanceOf<ArgumentException>(), call) as ArgumentException;
        Assert.Multiple(() =>
        {
            Assert.That(error!.ParamName, Is.EqualTo(parameter), error.Message);
            Assert.That(error.Message, Does.Contain(messagePart));
        });
    }
}

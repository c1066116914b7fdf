using MInference.Sla;
using MInference.Tests.Gpu;

namespace MInference.Tests.Sla;

/// <summary>
/// The checks of <see cref="GpuSparseLinearAttention.Backward(GpuContext, DeviceTensor, DeviceTensor, DeviceTensor, SlaDeviceProjection, SlaOptions, SlaDeviceSavedState, DeviceTensor, DeviceTensor, DeviceTensor, DeviceTensor)"/>
/// and <see cref="SlaDeviceProjectionGradients"/> that need device objects, end to end on a device:
/// each call is rejected before any SLA kernel is launched, with a typed exception naming the
/// parameter. (<see cref="SlaBackwardValidationTests"/> covers the operand rules without a GPU.)
/// </summary>
public sealed class SlaBackwardRejectionTests : GpuFixture
{
    private static readonly TensorLayout s_layout = TensorLayout.Bhsd(2, 2, 200, 64);
    private static readonly SlaOptions s_options = new() { CriticalFraction = 0.25, NegligibleFraction = 0.25 };

    [Test]
    public void ProjectionGradientsOfAnotherHeadDimAreRejected()
    {
        using Setup setup = new(Context);
        using SlaDeviceProjectionGradients wide = SlaDeviceProjectionGradients.Allocate(Context, 96);
        using var workspace = new DeviceBuffer(Context, 1 << 20);
        AssertRejected(() => setup.Backward(wide, workspace), "projectionGradients", "expected head_dim x head_dim = 64 x 64");
    }

    [Test]
    public void ProjectionGradientsOfAnUnsupportedHeadDimCannotBeAllocated() => Assert.That(
        () => SlaDeviceProjectionGradients.Allocate(Context, 80),
        Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("headDim"));

    [Test]
    public void AStateOfOtherSizesIsRejected()
    {
        using Setup setup = new(Context);
        using SlaGpuOperands longer = SlaGpuOperands.Normal(Context, DType.BFloat16, TensorLayout.Bhsd(2, 2, 300, 64), new Random(4));
        using SlaDeviceMask mask = SlaDeviceMask.Allocate(Context, longer.Q, s_options);
        using SlaDeviceSavedState state = SlaDeviceSavedState.Allocate(Context, longer.Q, mask);
        AssertRejected(() => setup.Backward(state), "state", "[2, 2, 300, 64]");
    }

    [Test]
    public void AGradientInTheStatesBuffersIsRejected()
    {
        using Setup setup = new(Context);
        AssertRejected(() => setup.Backward(setup.State, valueGradient: setup.State.LinearOutput), "valueGradient", "LinearOutput");
    }

    [Test]
    public void AWorkspaceTooSmallIsRejected()
    {
        using Setup setup = new(Context);
        using SlaDeviceProjectionGradients gradients = SlaDeviceProjectionGradients.Allocate(Context, 64);
        using var workspace = new DeviceBuffer(Context, 256);
        Assert.That(() => setup.Backward(gradients, workspace), Throws.InstanceOf<ArgumentException>().With.Message.Contains("workspace"));
    }

    [Test]
    public void DisposedObjectsAreRejected()
    {
        using Setup setup = new(Context);
        SlaDeviceProjectionGradients gradients = SlaDeviceProjectionGradients.Allocate(Context, 64);
        gradients.Dispose();
        using var workspace = new DeviceBuffer(Context, 1 << 20);
        SlaDeviceMask mask = SlaDeviceMask.Allocate(Context, setup.Operands.Q, s_options);
        SlaDeviceSavedState state = SlaDeviceSavedState.Allocate(Context, setup.Operands.Q, mask, ownsMask: true);
        state.Dispose();
        Assert.Multiple(() =>
        {
            Assert.That(gradients.IsDisposed, Is.True);
            Assert.That(() => setup.Backward(gradients, workspace), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(gradients.CopyToHost, Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => setup.Backward(state), Throws.TypeOf<ObjectDisposedException>());
        });
    }

    private static void AssertRejected(TestDelegate call, string parameter, string messagePart)
    {
        var error = Assert.Throws(Is.InstanceOf<ArgumentException>(), call) as ArgumentException;
        Assert.Multiple(() =>
        {
            Assert.That(error!.ParamName, Is.EqualTo(parameter), error.Message);
            Assert.That(error.Message, Does.Contain(messagePart));
        });
    }

    /// <summary>Operands, dO, gradients, a projection and a saved state (no forward run: nothing here reaches a kernel).</summary>
    private sealed class Setup : IDisposable
    {
        private readonly GpuContext _context;

        public Setup(GpuContext context)
        {
            _context = context;
            Operands = SlaGpuOperands.Normal(context, DType.BFloat16, s_layout, new Random(3));
            Gradients = new SlaGpuGradients(context, DType.BFloat16, s_layout, new Random(5));
            Projection = SlaDeviceProjection.Upload(context, SlaTestHeads.Projection(1, 64));
            State = SlaDeviceSavedState.Allocate(context, Operands.Q, SlaDeviceMask.Allocate(context, Operands.Q, s_options), ownsMask: true);
        }

        public SlaGpuOperands Operands { get; }

        public SlaGpuGradients Gradients { get; }

        public SlaDeviceProjection Projection { get; }

        public SlaDeviceSavedState State { get; }

        /// <summary>The allocating backward over <paramref name="state"/>.</summary>
        public void Backward(SlaDeviceSavedState state, DeviceTensor? valueGradient = null) =>
            GpuSparseLinearAttention.Backward(
                _context, Operands.Q, Operands.K, Operands.V, Projection, s_options, state, Gradients.OutputGradient, Gradients.Query, Gradients.Key, valueGradient ?? Gradients.Value).Dispose();

        /// <summary>The caller-buffer backward over <see cref="State"/>.</summary>
        public void Backward(SlaDeviceProjectionGradients projectionGradients, DeviceBuffer workspace) =>
            GpuSparseLinearAttention.Backward(
                _context, Operands.Q, Operands.K, Operands.V, Projection, s_options, State, Gradients.OutputGradient, Gradients.Query, Gradients.Key, Gradients.Value, projectionGradients, workspace);

        public void Dispose()
        {
            State.Dispose();
            Projection.Dispose();
            Gradients.Dispose();
            Operands.Dispose();
        }
    }
}

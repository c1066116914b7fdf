using MInference.Sla;
using MInference.Sparse.Gpu;
using MInference.Tests.Validation;

namespace MInference.Tests.Sla;

/// <summary>
/// The checks <see cref="GpuSparseLinearAttention.Backward(GpuContext, DeviceTensor, DeviceTensor, DeviceTensor, SlaDeviceProjection, SlaOptions, SlaDeviceSavedState, DeviceTensor, DeviceTensor, DeviceTensor, DeviceTensor)"/>
/// makes before any native call, exercised without a GPU through the validation it delegates to
/// (plain CPU tests); <see cref="SlaBackwardRejectionTests"/> checks those that need device objects.
/// </summary>
public sealed class SlaBackwardValidationTests
{
    private const int Batch = 2, Heads = 3, N = 1000, HeadDim = 128;
    private static readonly TensorLayout s_layout = TensorLayout.Bhsd(Batch, Heads, N, HeadDim);
    private static readonly SlaOptions s_options = new();

    [Test]
    public void AValidBackwardResolvesShapeAndScale()
    {
        (SlaShape shape, float scale) = Backward();
        Assert.Multiple(() =>
        {
            Assert.That(shape, Is.EqualTo(new SlaShape(Batch, Heads, N, HeadDim)));
            Assert.That(scale, Is.EqualTo((float)(1 / Math.Sqrt(HeadDim))), "0 means 1/sqrt(head_dim)");
            Assert.That(Backward(options: new SlaOptions { SoftmaxScale = 0.3 }).SoftmaxScale, Is.EqualTo(0.3f));
        });
    }

    [Test]
    public void GradientsInAnotherMemoryOrderThanTheInputsAreAccepted()
    {
        TensorLayout bshd = TensorLayout.Bshd(Batch, N, Heads, HeadDim);
        Assert.That(
            () => Backward(outputGradient: Operands.Of("outputGradient", bshd), queryGradient: Operands.Of("queryGradient", bshd), valueGradient: Operands.Of("valueGradient", bshd)),
            Throws.Nothing);
    }

    [Test]
    public void GradientsBesideEachOtherInOneBufferAreAccepted()
    {
        long elements = s_layout.ElementCount;
        var storage = new object();
        DeviceOperand At(string name, int slot) => Operands.Of(name, s_layout, elementOffset: slot * elements, storageBytes: 4 * elements * sizeof(ushort), storage: storage);
        Assert.That(
            () => Backward(outputGradient: At("outputGradient", 0), queryGradient: At("queryGradient", 1), keyGradient: At("keyGradient", 2), valueGradient: At("valueGradient", 3)),
            Throws.Nothing);
    }

    [TestCase("outputGradient")]
    [TestCase("queryGradient")]
    [TestCase("keyGradient")]
    [TestCase("valueGradient")]
    public void ATensorOfAnotherShapeIsRejected(string name) =>
        AssertRejected(() => BackwardReplacing(name, Operands.Of(name, TensorLayout.Bhsd(Batch, Heads, N - 1, HeadDim))), name, "must have q's shape");

    [TestCase("outputGradient")]
    [TestCase("keyGradient")]
    public void ATensorOfAnotherDTypeIsRejected(string name) =>
        AssertRejected(() => BackwardReplacing(name, Operands.Of(name, s_layout, DType.Float16)), name, "share one dtype");

    [Test]
    public void Float32IsNotSupported()
    {
        DeviceOperand Float32(string name) => Operands.Of(name, s_layout, DType.Float32);
        Assert.That(
            () => SlaOperandValidation.ValidateBackward(
                Float32("q"), Float32("k"), Float32("v"), Float32("outputGradient"), new(Float32("queryGradient"), Float32("keyGradient"), Float32("valueGradient")), s_options, []),
            Throws.TypeOf<NotSupportedException>().With.Message.Contains("Float32"));
    }

    [Test]
    public void AGradientWithStridedRowsIsRejected()
    {
        var layout = new TensorLayout([Batch, Heads, N, HeadDim], [(nint)Heads * N * HeadDim * 2, (nint)N * HeadDim * 2, HeadDim * 2, 2]);
        AssertRejected(() => BackwardReplacing("valueGradient", Operands.Of("valueGradient", layout)), "valueGradient", "Strides[3]");
    }

    [Test]
    public void AMisalignedGradientIsRejected() =>
        AssertRejected(() => BackwardReplacing("queryGradient", Operands.Of("queryGradient", s_layout, elementOffset: 4)), "queryGradient", "aligned");

    [TestCase("q")]
    [TestCase("k")]
    [TestCase("v")]
    public void AGradientOverlappingAnInputIsRejected(string input)
    {
        DeviceOperand inputOperand = Operands.Of(input, s_layout, storageBytes: 2 * s_layout.ElementCount * sizeof(ushort));
        DeviceOperand gradient = Operands.Of("keyGradient", s_layout, elementOffset: HeadDim, storageBytes: inputOperand.StorageLengthInBytes, storage: inputOperand.Storage);
        AssertRejected(() => BackwardReplacing(input, inputOperand, "keyGradient", gradient), "keyGradient", $"overlaps {input}");
    }

    [Test]
    public void AGradientOverlappingTheOutputGradientIsRejected()
    {
        DeviceOperand outputGradient = Operands.Of("outputGradient", s_layout);
        DeviceOperand gradient = Operands.Of("valueGradient", s_layout, storageBytes: outputGradient.StorageLengthInBytes, storage: outputGradient.Storage);
        AssertRejected(() => BackwardReplacing("outputGradient", outputGradient, "valueGradient", gradient), "valueGradient", "overlaps outputGradient");
    }

    [TestCase("queryGradient", "keyGradient")]
    [TestCase("queryGradient", "valueGradient")]
    [TestCase("keyGradient", "valueGradient")]
    public void GradientsOverlappingEachOtherAreRejected(string first, string second)
    {
        DeviceOperand firstOperand = Operands.Of(first, s_layout, storageBytes: 2 * s_layout.ElementCount * sizeof(ushort));
        DeviceOperand secondOperand = Operands.Of(second, s_layout, elementOffset: 8, storageBytes: firstOperand.StorageLengthInBytes, storage: firstOperand.Storage);
        AssertRejected(() => BackwardReplacing(first, firstOperand, second, secondOperand), first, $"overlaps {second}");
    }

    [Test]
    public void AnOutputGradientOverlappingAnInputIsRejected()
    {
        DeviceOperand k = Operands.Of("k", s_layout);
        DeviceOperand outputGradient = Operands.Of("outputGradient", s_layout, storageBytes: k.StorageLengthInBytes, storage: k.Storage);
        AssertRejected(() => BackwardReplacing("k", k, "outputGradient", outputGradient), "outputGradient", "overlaps k");
    }

    [TestCase("keyGradient")]
    [TestCase("outputGradient")]
    public void ATensorInTheSavedStateIsRejected(string name)
    {
        DeviceOperand operand = Operands.Of(name, s_layout);
        DeviceBufferOperand[] saved = [new("SparseOutput", new object(), 1 << 20), new("LinearOutput", operand.Storage, operand.StorageLengthInBytes)];
        AssertRejected(() => BackwardReplacing(name, operand, saved: saved), name, "saved state's LinearOutput buffer, which the backward reads");
    }

    [Test]
    public void ABadOptionIsRejected() => Assert.That(
        () => Backward(options: new SlaOptions { FeatureMap = (SlaFeatureMap)7 }),
        Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("FeatureMap"));

    [Test]
    public void NullContextsAreRejectedFirst() => Assert.Multiple(() =>
    {
        AssertNull(() => GpuSparseLinearAttention.Backward(null!, null!, null!, null!, null!, null!, null!, null!, null!, null!, null!), "context");
        AssertNull(() => GpuSparseLinearAttention.Backward(null!, null!, null!, null!, null!, null!, null!, null!, null!, null!, null!, null!, null!), "context");
        AssertNull(() => GpuSparseLinearAttention.BackwardWorkspaceSize(null!, null!, null!, null!, null!, null!, null!, null!, null!, null!, null!, null!), "context");
        AssertNull(() => SlaDeviceProjectionGradients.Allocate(null!, HeadDim), "context");
    });

    /// <summary>A valid backward's operands with <paramref name="name"/> (and <paramref name="otherName"/>) replaced.</summary>
    private static (SlaShape Shape, float SoftmaxScale) BackwardReplacing(
        string name, DeviceOperand operand, string? otherName = null, DeviceOperand? other = null, DeviceBufferOperand[]? saved = null)
    {
        DeviceOperand Pick(string parameter) =>
            parameter == name ? operand : parameter == otherName ? other!.Value : Operands.Of(parameter, s_layout);
        return SlaOperandValidation.ValidateBackward(
            Pick("q"), Pick("k"), Pick("v"), Pick("outputGradient"), new(Pick("queryGradient"), Pick("keyGradient"), Pick("valueGradient")), s_options, saved ?? []);
    }

    private static (SlaShape Shape, float SoftmaxScale) Backward(
        DeviceOperand? outputGradient = null, DeviceOperand? queryGradient = null, DeviceOperand? keyGradient = null, DeviceOperand? valueGradient = null, SlaOptions? options = null) =>
        SlaOperandValidation.ValidateBackward(
            Operands.Of("q", s_layout),
            Operands.Of("k", s_layout),
            Operands.Of("v", s_layout),
            outputGradient ?? Operands.Of("outputGradient", s_layout),
            new(queryGradient ?? Operands.Of("queryGradient", s_layout), keyGradient ?? Operands.Of("keyGradient", s_layout), valueGradient ?? Operands.Of("valueGradient", s_layout)),
            options ?? s_options,
            []);

    private static void AssertRejected(TestDelegate call, string parameter, string messagePart)
    {
        var error = Assert.Throws(Is.InstanceOf<ArgumentException>(), call) as ArgumentException;
        Assert.Multiple(() =>
        {
            Assert.That(error!.ParamName, Is.EqualTo(parameter), error.Message);
            Assert.That(error.Message, Does.Contain(messagePart));
        });
    }

    private static void AssertNull(TestDelegate call, string parameter) =>
        Assert.That(call, Throws.TypeOf<ArgumentNullException>().With.Property("ParamName").EqualTo(parameter));
}

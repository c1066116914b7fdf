using MInference.Sla;
using MInference.Sparse.Gpu;
using MInference.Tests.Validation;

namespace MInference.Tests.Sla;

/// <summary>
/// The checks <see cref="GpuSparseLinearAttention"/> makes before any native call, exercised without
/// a GPU through the validation it delegates to (plain CPU tests); <see cref="SlaGpuRejectionTests"/>
/// checks the paths that need device objects on a device.
/// </summary>
public sealed class SlaGpuValidationTests
{
    private const int Batch = 2, Heads = 3, N = 1000, HeadDim = 128;
    private static readonly TensorLayout s_layout = TensorLayout.Bhsd(Batch, Heads, N, HeadDim);
    private static readonly SlaOptions s_options = new();

    [Test]
    public void AValidForwardResolvesShapeAndScale()
    {
        (SlaShape shape, float scale) = Forward();
        Assert.Multiple(() =>
        {
            Assert.That(shape, Is.EqualTo(new SlaShape(Batch, Heads, N, HeadDim)));
            Assert.That(shape.Blocks, Is.EqualTo(16), "ceil(1000 / 64)");
            Assert.That(shape.Rows, Is.EqualTo(Batch * Heads * 16));
            Assert.That(scale, Is.EqualTo((float)(1 / Math.Sqrt(HeadDim))), "0 means 1/sqrt(head_dim)");
        });
    }

    [Test]
    public void BshdOperandsAreAccepted()
    {
        TensorLayout bshd = TensorLayout.Bshd(Batch, N, Heads, HeadDim);
        Assert.That(Forward(q: Operands.Of("q", bshd), k: Operands.Of("k", bshd), v: Operands.Of("v", bshd), output: Operands.Of("output", bshd)).Shape.SequenceLength, Is.EqualTo(N));
    }

    [Test]
    public void AnExplicitScaleIsKept() => Assert.That(Forward(options: new SlaOptions { SoftmaxScale = 0.3 }).SoftmaxScale, Is.EqualTo(0.3f));

    [Test]
    public void AScaleThatRoundsToZeroInFp32IsRejected() => Assert.That(
        () => Forward(options: new SlaOptions { SoftmaxScale = 1e-300 }),
        Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("SoftmaxScale"));

    [Test]
    public void ABadOptionIsRejected() => Assert.That(
        () => Forward(options: new SlaOptions { CriticalFraction = 0 }),
        Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("CriticalFraction"));

    [Test]
    public void CausalOptionsAreValidatedAsAnyOther() => Assert.Multiple(() =>
    {
        Assert.That(Forward(options: new SlaOptions { Causal = true }).Shape.SequenceLength, Is.EqualTo(N));
        Assert.That(
            () => Forward(options: new SlaOptions { Causal = true, LinearBranch = SlaLinearBranch.AllKeys }),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("LinearBranch"));
    });

    [Test]
    public void Float32IsNotSupported() => Assert.Multiple(() =>
    {
        Assert.That(() => Forward(q: Operands.Of("q", s_layout, DType.Float32)), Throws.TypeOf<NotSupportedException>().With.Message.Contains("Float32"));
        Assert.That(
            () => SlaOperandValidation.ValidateMask(Operands.Of("q", s_layout, DType.Float32), Operands.Of("k", s_layout, DType.Float32)),
            Throws.TypeOf<NotSupportedException>().With.Message.Contains("Float32"));
    });

    [TestCase(80)]
    [TestCase(256)]
    public void AnUnsupportedHeadDimIsNotSupported(int headDim)
    {
        TensorLayout layout = TensorLayout.Bhsd(Batch, Heads, N, headDim);
        Assert.Multiple(() =>
        {
            Assert.That(
                () => Forward(Operands.Of("q", layout), Operands.Of("k", layout), Operands.Of("v", layout), Operands.Of("output", layout)),
                Throws.TypeOf<NotSupportedException>().With.Message.Contains($"head_dim {headDim}"));
            Assert.That(() => Mask(Operands.Of("q", layout), Operands.Of("k", layout)), Throws.TypeOf<NotSupportedException>().With.Message.Contains($"head_dim {headDim}"));
        });
    }

    [Test]
    public void GroupedKeyHeadsAreRejected()
    {
        TensorLayout grouped = TensorLayout.Bhsd(Batch, 1, N, HeadDim);
        Assert.Multiple(() =>
        {
            AssertRejected(() => Forward(k: Operands.Of("k", grouped), v: Operands.Of("v", grouped)), "k", "self-attention");
            AssertRejected(() => Mask(k: Operands.Of("k", grouped)), "k", "self-attention");
        });
    }

    [Test]
    public void KeysOfAnotherLengthAreRejected()
    {
        TensorLayout longer = TensorLayout.Bhsd(Batch, Heads, N + 1, HeadDim);
        Assert.Multiple(() =>
        {
            AssertRejected(() => Forward(k: Operands.Of("k", longer), v: Operands.Of("v", longer)), "k", "self-attention");
            AssertRejected(() => Mask(k: Operands.Of("k", longer)), "q", "must equal kv_len");
        });
    }

    [Test]
    public void ValuesOfAnotherShapeAreRejected() =>
        AssertRejected(() => Forward(v: Operands.Of("v", TensorLayout.Bhsd(Batch, Heads, N - 1, HeadDim))), "v", "must equal");

    [Test]
    public void AnOutputOfAnotherShapeIsRejected() =>
        AssertRejected(() => Forward(output: Operands.Of("output", TensorLayout.Bhsd(Batch, Heads + 1, N, HeadDim))), "output", "must equal");

    [Test]
    public void MixedDTypesAreRejected() => Assert.Multiple(() =>
    {
        AssertRejected(() => Forward(v: Operands.Of("v", s_layout, DType.Float16)), "v", "share one dtype");
        AssertRejected(() => Mask(k: Operands.Of("k", s_layout, DType.Float16)), "k", "share one dtype");
    });

    [Test]
    public void WrongRankIsRejected() => AssertRejected(() => Forward(q: Operands.Of("q", TensorLayout.Contiguous(Heads, N, HeadDim))), "q", "rank 4");

    [Test]
    public void AMisalignedViewIsRejected() => AssertRejected(() => Forward(k: Operands.Of("k", s_layout, elementOffset: 4)), "k", "aligned");

    [Test]
    public void AnOutputOverlappingAnInputIsRejected()
    {
        DeviceOperand q = Operands.Of("q", s_layout, storageBytes: 2 * s_layout.ElementCount * sizeof(ushort));
        DeviceOperand output = Operands.Of("output", s_layout, elementOffset: HeadDim, storageBytes: q.StorageLengthInBytes, storage: q.Storage);
        AssertRejected(() => Forward(q: q, output: output), "output", "overlaps q");
    }

    [Test]
    public void AnOutputBesideTheInputsInOneBufferIsAccepted()
    {
        long elements = s_layout.ElementCount;
        var storage = new object();
        long bytes = 4 * elements * sizeof(ushort);
        DeviceOperand At(string name, int slot) => Operands.Of(name, s_layout, elementOffset: slot * elements, storageBytes: bytes, storage: storage);
        Assert.That(() => Forward(At("q", 0), At("k", 1), At("v", 2), At("output", 3)), Throws.Nothing);
    }

    [Test]
    public void AnOperandInTheSavedStateIsRejected()
    {
        DeviceOperand output = Operands.Of("output", s_layout);
        DeviceBufferOperand[] saved = [new("SparseOutput", new object(), 1 << 20), new("LinearOutput", output.Storage, output.StorageLengthInBytes)];
        AssertRejected(
            () => SlaOperandValidation.ValidateForward(Operands.Of("q", s_layout), Operands.Of("k", s_layout), Operands.Of("v", s_layout), output, s_options, saved),
            "output",
            "LinearOutput");
    }

    [TestCase(GpuSparseLinearAttention.MaxSequenceLength, true)]
    [TestCase(GpuSparseLinearAttention.MaxSequenceLength + 1, false)]
    public void SequencesUpTo2To21TokensAreAccepted(int n, bool accepted)
    {
        TensorLayout layout = TensorLayout.Bhsd(1, 1, n, 64);
        TestDelegate call = () => Mask(Operands.Of("q", layout), Operands.Of("k", layout));
        if (accepted)
        {
            Assert.That(call, Throws.Nothing);
        }
        else
        {
            AssertRejected(call, "q", "2^21");
        }
    }

    [TestCase(64, true)]
    [TestCase(96, false)]
    public void TheProjectionMustBeHeadDimSquare(int projectionHeadDim, bool accepted)
    {
        var shape = new SlaShape(Batch, Heads, N, 64);
        TestDelegate call = () => SlaOperandValidation.RequireProjection(projectionHeadDim, shape, "projection");
        if (accepted)
        {
            Assert.That(call, Throws.Nothing);
        }
        else
        {
            AssertRejected(call, "projection", "96 x 96; expected head_dim x head_dim = 64 x 64");
        }
    }

    [Test]
    public void NullContextsAreRejectedFirst() => Assert.Multiple(() =>
    {
        AssertNull(() => GpuSparseLinearAttention.PredictMask(null!, null!, null!, null!), "context");
        AssertNull(() => GpuSparseLinearAttention.PredictMask(null!, null!, null!, null!, null!, null!), "context");
        AssertNull(() => GpuSparseLinearAttention.MaskWorkspaceSize(null!, null!, null!, null!, null!), "context");
        AssertNull(() => GpuSparseLinearAttention.Forward(null!, null!, null!, null!, null!, null!, null!), "context");
        AssertNull(() => GpuSparseLinearAttention.Forward(null!, null!, null!, null!, null!, null!, null!, null!, null!), "context");
        AssertNull(() => GpuSparseLinearAttention.ForwardWorkspaceSize(null!, null!, null!, null!, null!, null!, null!, null!), "context");
        AssertNull(() => SlaDeviceMask.Allocate(null!, null!, null!), "context");
        AssertNull(() => SlaDeviceSavedState.Allocate(null!, null!, null!), "context");
        AssertNull(() => SlaDeviceProjection.Upload(null!, null!), "context");
    });

    private static (SlaShape Shape, float SoftmaxScale) Forward(
        DeviceOperand? q = null, DeviceOperand? k = null, DeviceOperand? v = null, DeviceOperand? output = null, SlaOptions? options = null) =>
        SlaOperandValidation.ValidateForward(
            q ?? Operands.Of("q", s_layout), k ?? Operands.Of("k", s_layout), v ?? Operands.Of("v", s_layout), output ?? Operands.Of("output", s_layout), options ?? s_options, []);

    private static SlaShape Mask(DeviceOperand? q = null, DeviceOperand? k = null) =>
        SlaOperandValidation.ValidateMask(q ?? Operands.Of("q", s_layout), k ?? Operands.Of("k", s_layout));

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

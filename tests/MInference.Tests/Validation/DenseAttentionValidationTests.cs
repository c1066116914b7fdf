namespace MInference.Tests.Validation;

/// <summary>
/// The checks <see cref="Attention.Dense"/> runs before any native call, exercised without a GPU
/// through the validation it delegates to. (The GPU fixture checks the same paths end to end,
/// including that the output stays untouched.)
/// </summary>
public sealed class DenseAttentionValidationTests
{
    private const int Batch = 2, QHeads = 8, KvHeads = 2, QLen = 64, KvLen = 128, HeadDim = 64;

    private static readonly TensorLayout s_query = TensorLayout.Bhsd(Batch, QHeads, QLen, HeadDim);
    private static readonly TensorLayout s_keyValue = TensorLayout.Bhsd(Batch, KvHeads, KvLen, HeadDim);

    [Test]
    public void AValidCallResolvesShapeAndDefaultScale()
    {
        ValidatedDenseAttention call = Validate(options: new DenseAttentionOptions { Causal = true }, logSumExpBytes: Batch * QHeads * QLen * sizeof(float));
        Assert.Multiple(() =>
        {
            Assert.That(call.Shape, Is.EqualTo(new AttentionShape(Batch, QHeads, KvHeads, QLen, KvLen, HeadDim)));
            Assert.That(call.SoftmaxScale, Is.EqualTo(0.125f), "1 / sqrt(64)");
        });
    }

    [Test]
    public void BshdOperandsAreAccepted() => Assert.That(
        () => Validate(
            q: Operands.Of("q", TensorLayout.Bshd(Batch, QLen, QHeads, HeadDim)),
            k: Operands.Of("k", TensorLayout.Bshd(Batch, KvLen, KvHeads, HeadDim)),
            v: Operands.Of("v", TensorLayout.Bshd(Batch, KvLen, KvHeads, HeadDim)),
            output: Operands.Of("output", TensorLayout.Bshd(Batch, QLen, QHeads, HeadDim))),
        Throws.Nothing);

    [Test]
    public void ExplicitScaleIsKept() =>
        Assert.That(Validate(options: new DenseAttentionOptions { SoftmaxScale = 0.3f }).SoftmaxScale, Is.EqualTo(0.3f));

    [Test]
    public void WrongRankIsRejected() => AssertRejected(
        () => Validate(q: Operands.Of("q", TensorLayout.Contiguous(QHeads, QLen, HeadDim))), "q", "rank 4");

    [TestCase(0, Description = "batch")]
    [TestCase(3, Description = "head_dim")]
    public void KeysMustMatchQueriesInBatchAndHeadDim(int dimension)
    {
        nint[] lengths = [Batch, KvHeads, KvLen, HeadDim];
        lengths[dimension] *= 2;
        AssertRejected(() => Validate(k: Operands.Of("k", TensorLayout.Contiguous(lengths))), "k", $"k.Lengths[{dimension}]");
    }

    [TestCase(1)]
    [TestCase(2)]
    public void ValuesMustMatchKeys(int dimension)
    {
        nint[] lengths = [Batch, KvHeads, KvLen, HeadDim];
        lengths[dimension] *= 2;
        AssertRejected(() => Validate(v: Operands.Of("v", TensorLayout.Contiguous(lengths))), "v", $"v.Lengths[{dimension}]");
    }

    [TestCase(1)]
    [TestCase(2)]
    public void OutputMustMatchQueries(int dimension)
    {
        nint[] lengths = [Batch, QHeads, QLen, HeadDim];
        lengths[dimension] -= 1;
        AssertRejected(() => Validate(output: Operands.Of("output", TensorLayout.Contiguous(lengths))), "output", $"output.Lengths[{dimension}]");
    }

    [Test]
    public void KeyValueHeadsMustDivideQueryHeads()
    {
        TensorLayout threeHeads = TensorLayout.Bhsd(Batch, 3, KvLen, HeadDim);
        AssertRejected(() => Validate(k: Operands.Of("k", threeHeads), v: Operands.Of("v", threeHeads)), "k", "not a multiple");
    }

    [TestCase(32)]
    [TestCase(80)]
    [TestCase(160)]
    [TestCase(256)]
    public void UnsupportedHeadDimIsNotSupported(int headDim)
    {
        var exception = Assert.Throws<NotSupportedException>(() => Validate(
            q: Operands.Of("q", TensorLayout.Bhsd(Batch, QHeads, QLen, headDim)),
            k: Operands.Of("k", TensorLayout.Bhsd(Batch, KvHeads, KvLen, headDim)),
            v: Operands.Of("v", TensorLayout.Bhsd(Batch, KvHeads, KvLen, headDim)),
            output: Operands.Of("output", TensorLayout.Bhsd(Batch, QHeads, QLen, headDim))));
        Assert.That(exception!.Message, Does.Contain($"head_dim {headDim}").And.Contain("64, 96 or 128"));
    }

    [Test]
    public void Float32IsNotSupported()
    {
        var exception = Assert.Throws<NotSupportedException>(() => Validate(
            q: Operands.Of("q", s_query, DType.Float32),
            k: Operands.Of("k", s_keyValue, DType.Float32),
            v: Operands.Of("v", s_keyValue, DType.Float32),
            output: Operands.Of("output", s_query, DType.Float32)));
        Assert.That(exception!.Message, Does.Contain("Float32"));
    }

    [Test]
    public void MixedDTypesAreRejected() =>
        AssertRejected(() => Validate(v: Operands.Of("v", s_keyValue, DType.Float16)), "v", "share one dtype");

    [TestCase("q", 2)]
    [TestCase("k", 2)]
    [TestCase("q", 0)]
    [TestCase("output", 1)]
    public void ZeroLengthsAreRejected(string operand, int dimension)
    {
        nint[] lengths = operand == "k" ? [Batch, KvHeads, KvLen, HeadDim] : [Batch, QHeads, QLen, HeadDim];
        lengths[dimension] = 0;
        DeviceOperand empty = Operands.Of(operand, TensorLayout.Contiguous(lengths));
        AssertRejected(
            () => Validate(q: operand == "q" ? empty : null, k: operand == "k" ? empty : null, output: operand == "output" ? empty : null),
            operand,
            "must be >= 1");
    }

    [TestCase(4, Description = "8 bytes past a 16-byte boundary")]
    [TestCase(1, Description = "2 bytes past")]
    public void MisalignedOffsetsAreRejected(long elementOffset) =>
        AssertRejected(() => Validate(q: Operands.Of("q", s_query, elementOffset: elementOffset)), "q", "16-byte aligned");

    [Test]
    public void AlignedOffsetsAreAccepted() =>
        Assert.That(() => Validate(q: Operands.Of("q", s_query, elementOffset: 8), output: Operands.Of("output", s_query, elementOffset: 64)), Throws.Nothing);

    [Test]
    public void HeadDimStrideMustBeOne()
    {
        var everyOther = new TensorLayout([Batch, KvHeads, KvLen, HeadDim], [KvHeads * KvLen * HeadDim * 2, KvLen * HeadDim * 2, HeadDim * 2, 2]);
        AssertRejected(() => Validate(k: Operands.Of("k", everyOther)), "k", "Strides[3]");
    }

    [Test]
    public void OtherStridesMustBeMultiplesOfEight()
    {
        // Rows 68 elements apart: each row start moves 8 bytes off the 16-byte grid.
        var paddedBy4 = new TensorLayout([Batch, KvHeads, KvLen, HeadDim], [KvHeads * KvLen * 68, KvLen * 68, 68, 1]);
        AssertRejected(() => Validate(v: Operands.Of("v", paddedBy4)), "v", "multiple of 8");
    }

    [Test]
    public void PaddedRowsThatKeepAlignmentAreAccepted()
    {
        var paddedBy8 = new TensorLayout([Batch, KvHeads, KvLen, HeadDim], [KvHeads * KvLen * 72, KvLen * 72, 72, 1]);
        Assert.That(() => Validate(k: Operands.Of("k", paddedBy8), v: Operands.Of("v", paddedBy8)), Throws.Nothing);
    }

    [Test]
    public void ViewsOutsideTheirBufferAreRejected()
    {
        long exactBytes = s_keyValue.RequiredElementCount * sizeof(ushort);
        Assert.Multiple(() =>
        {
            AssertRejected(() => Validate(v: Operands.Of("v", s_keyValue, storageBytes: exactBytes - 2)), "v", "its buffer holds");
            AssertRejected(() => Validate(k: Operands.Of("k", s_keyValue, elementOffset: 8, storageBytes: exactBytes)), "k", "its buffer holds");
            AssertRejected(() => Validate(output: Operands.Of("output", s_query, elementOffset: long.MaxValue - 7, storageBytes: 64)), "output", "its buffer holds");
        });
    }

    [Test]
    public void CausalNeedsNoMoreQueriesThanKeys()
    {
        TensorLayout longQuery = TensorLayout.Bhsd(Batch, QHeads, KvLen + 1, HeadDim);
        Assert.Multiple(() =>
        {
            AssertRejected(
                () => Validate(q: Operands.Of("q", longQuery), output: Operands.Of("output", longQuery), options: new DenseAttentionOptions { Causal = true }),
                "q",
                "q_len <= kv_len");
            Assert.That(() => Validate(q: Operands.Of("q", longQuery), output: Operands.Of("output", longQuery)), Throws.Nothing, "allowed without the mask");
        });
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    [TestCase(0f)]
    [TestCase(-0.125f)]
    public void SoftmaxScaleMustBeFiniteAndPositive(float scale)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Validate(options: new DenseAttentionOptions { SoftmaxScale = scale }));
        Assert.That(exception!.ParamName, Is.EqualTo("options"));
    }

    [Test]
    public void LogSumExpBufferMustHoldEveryRow() =>
        AssertRejected(() => Validate(logSumExpBytes: (Batch * QHeads * QLen * sizeof(float)) - 4), "logSumExp", $"{Batch * QHeads * QLen} floats");

    [Test]
    public void OutputMustNotOverlapAnInput()
    {
        var storage = new object();
        long bytes = s_query.RequiredElementCount * sizeof(ushort) * 2;
        Assert.Multiple(() =>
        {
            AssertRejected(
                () => Validate(q: Operands.Of("q", s_query, storageBytes: bytes, storage: storage), output: Operands.Of("output", s_query, elementOffset: 8, storageBytes: bytes, storage: storage)),
                "output",
                "overlaps q");
            Assert.That(
                () => Validate(q: Operands.Of("q", s_query, storageBytes: bytes, storage: storage), output: Operands.Of("output", s_query, elementOffset: s_query.RequiredElementCount, storageBytes: bytes, storage: storage)),
                Throws.Nothing,
                "disjoint halves of one buffer");
        });
    }

    [Test]
    public void OutputMustNotOverlapItself()
    {
        var broadcastHeads = new TensorLayout([Batch, QHeads, QLen, HeadDim], [QLen * HeadDim, 0, HeadDim, 1]);
        AssertRejected(() => Validate(output: Operands.Of("output", broadcastHeads)), "output", "overlap itself");
    }

    [Test]
    public void LogSumExpMustNotOverlapAnOperand()
    {
        var storage = new object();
        AssertRejected(
            () => Validate(output: Operands.Of("output", s_query, storage: storage), logSumExpStorage: storage, logSumExpBytes: 1 << 20),
            "logSumExp",
            "overlaps output");
    }

    private static ValidatedDenseAttention Validate(
        DeviceOperand? q = null,
        DeviceOperand? k = null,
        DeviceOperand? v = null,
        DeviceOperand? output = null,
        DenseAttentionOptions options = default,
        long? logSumExpBytes = null,
        object? logSumExpStorage = null) =>
        DenseAttentionValidation.Validate(
            q ?? Operands.Of("q", s_query),
            k ?? Operands.Of("k", s_keyValue),
            v ?? Operands.Of("v", s_keyValue),
            output ?? Operands.Of("output", s_query),
            options,
            logSumExpBytes is { } bytes ? new LogSumExpTarget(logSumExpStorage ?? new object(), bytes) : null);

    private static void AssertRejected(TestDelegate call, string parameter, string messageFragment)
    {
        var exception = Assert.Throws(Is.InstanceOf<ArgumentException>(), call);
        Assert.Multiple(() =>
        {
            Assert.That(exception!.GetType(), Is.EqualTo(typeof(ArgumentException)), "a plain ArgumentException naming the parameter");
            Assert.That(((ArgumentException)exception).ParamName, Is.EqualTo(parameter));
            Assert.That(exception.Message, Does.Contain(messageFragment));
        });
    }
}

using MInference.Sparse.Gpu;
using MInference.Sparse.Patterns;
using MInference.Tests.Validation;

namespace MInference.Tests.Gpu;

/// <summary>
/// The checks <see cref="VerticalSlashGpu"/> runs before any native call, exercised without a GPU
/// through the validation it delegates to (plain CPU tests, not a <see cref="GpuFixture"/>);
/// <see cref="VerticalSlashGpuRejectionTests"/> checks the same paths end to end on a device.
/// </summary>
public sealed class VerticalSlashGpuValidationTests
{
    private const int Batch = 2, QHeads = 8, KvHeads = 2, N = 1000, HeadDim = 128;
    private static readonly int[] s_heads = [6, 1, 2];
    private static readonly TensorLayout s_query = TensorLayout.Bhsd(Batch, QHeads, N, HeadDim);
    private static readonly TensorLayout s_key = TensorLayout.Bhsd(Batch, KvHeads, N, HeadDim);
    private static readonly long s_scoreBytes = (long)Batch * s_heads.Length * N * sizeof(float);

    [Test]
    public void AValidEstimateResolvesShapeHeadsAndScale()
    {
        VerticalSlashEstimateShape shape = Estimate();
        Assert.Multiple(() =>
        {
            Assert.That(shape.Attention, Is.EqualTo(new AttentionShape(Batch, QHeads, KvHeads, N, N, HeadDim)));
            Assert.That(shape.Heads, Is.EqualTo(s_heads));
            Assert.That(shape.Rows, Is.EqualTo(Batch * 3));
            Assert.That(shape.ScoreBytes, Is.EqualTo(s_scoreBytes));
            Assert.That(shape.SoftmaxScale, Is.EqualTo((float)(1 / Math.Sqrt(HeadDim))), "1/sqrt(head_dim) as a float, the CPU reference's value");
        });
    }

    [Test]
    public void AnEmptyHeadListMeansEveryHeadInOrder() =>
        Assert.That(Estimate(heads: []).Heads, Is.EqualTo(Enumerable.Range(0, QHeads).ToArray()));

    [Test]
    public void AnExplicitScaleIsKept() => Assert.That(Estimate(softmaxScale: 0.3f).SoftmaxScale, Is.EqualTo(0.3f));

    [TestCase(0f)]
    [TestCase(-1f)]
    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    public void ABadScaleIsRejected(float scale) =>
        Assert.That(() => Estimate(softmaxScale: scale), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("softmaxScale"));

    [Test]
    public void Float32IsNotSupported() => Assert.That(
        () => Estimate(q: Operands.Of("q", s_query, DType.Float32), k: Operands.Of("k", s_key, DType.Float32)),
        Throws.TypeOf<NotSupportedException>().With.Message.Contains("Float32"));

    [TestCase(80)]
    [TestCase(256)]
    public void UnsupportedHeadDimIsNotSupported(int headDim) => Assert.That(
        () => Estimate(q: Operands.Of("q", TensorLayout.Bhsd(Batch, QHeads, N, headDim)), k: Operands.Of("k", TensorLayout.Bhsd(Batch, KvHeads, N, headDim))),
        Throws.TypeOf<NotSupportedException>().With.Message.Contains($"head_dim {headDim}"));

    [TestCase(N - 1)]
    [TestCase(N + 1)]
    public void KeysOfAnotherLengthAreRejected(int keyLength) =>
        AssertRejected(() => Estimate(k: Operands.Of("k", TensorLayout.Bhsd(Batch, KvHeads, keyLength, HeadDim))), "q", "must equal kv_len");

    [Test]
    public void WrongRankIsRejected() =>
        AssertRejected(() => Estimate(q: Operands.Of("q", TensorLayout.Contiguous(QHeads, N, HeadDim))), "q", "rank 4");

    [Test]
    public void KeyHeadsNotDividingQueryHeadsAreRejected() =>
        AssertRejected(() => Estimate(k: Operands.Of("k", TensorLayout.Bhsd(Batch, 3, N, HeadDim))), "k", "not a multiple");

    [Test]
    public void MixedDTypesAreRejected() =>
        AssertRejected(() => Estimate(k: Operands.Of("k", s_key, DType.Float16)), "k", "share one dtype");

    [Test]
    public void AStridedHeadDimIsRejected()
    {
        var strided = new TensorLayout([Batch, KvHeads, N, HeadDim], [KvHeads * N * HeadDim * 2, N * HeadDim * 2, HeadDim * 2, 2]);
        AssertRejected(() => Estimate(k: Operands.Of("k", strided)), "k", "Strides[3]");
    }

    [Test]
    public void AMisalignedViewIsRejected() =>
        AssertRejected(() => Estimate(q: Operands.Of("q", s_query, elementOffset: 4)), "q", "aligned");

    [Test]
    public void AViewOutsideItsBufferIsRejected() =>
        AssertRejected(() => Estimate(k: Operands.Of("k", s_key, storageBytes: (s_key.ElementCount * 2) - 2)), "k", "buffer holds");

    [TestCase(new[] { 8 }, "heads[0] = 8")]
    [TestCase(new[] { -1 }, "heads[0] = -1")]
    [TestCase(new[] { 6, 1, 6 }, "more than once")]
    public void BadHeadsAreRejected(int[] heads, string expected) => AssertRejected(() => Estimate(heads: heads), "heads", expected);

    [Test]
    public void MoreHeadsThanOneLaunchTakesAreRejected()
    {
        TensorLayout manyHeads = TensorLayout.Bhsd(1, HeadList.MaxCount + 1, 64, 64);
        AssertRejected(
            () => VerticalSlashGpuValidation.ValidateEstimate(Operands.Of("q", manyHeads), Operands.Of("k", TensorLayout.Bhsd(1, 1, 64, 64)), [], null),
            "heads",
            "at most 1024");
    }

    [Test]
    public void ScoreBuffersOfTheRightSizeAreAccepted() =>
        Assert.That(() => ScoreBuffers(Buffer("verticalScores", s_scoreBytes), Buffer("slashScores", s_scoreBytes)), Throws.Nothing);

    [Test]
    public void AShortScoreBufferIsRejected() => Assert.Multiple(() =>
    {
        AssertRejected(() => ScoreBuffers(Buffer("verticalScores", s_scoreBytes - 4), Buffer("slashScores", s_scoreBytes)), "verticalScores", $"needs {s_scoreBytes}");
        AssertRejected(() => ScoreBuffers(Buffer("verticalScores", s_scoreBytes), Buffer("slashScores", s_scoreBytes - 4)), "slashScores", $"needs {s_scoreBytes}");
    });

    [Test]
    public void ScoreBuffersSharingStorageAreRejected()
    {
        var shared = new object();
        AssertRejected(
            () => ScoreBuffers(new DeviceBufferOperand("verticalScores", shared, 2 * s_scoreBytes), new DeviceBufferOperand("slashScores", shared, 2 * s_scoreBytes)),
            "verticalScores",
            "slashScores");
    }

    [Test]
    public void AScoreBufferInTheKeysStorageIsRejected()
    {
        DeviceOperand k = Operands.Of("k", s_key);
        AssertRejected(
            () => VerticalSlashGpuValidation.RequireScoreBuffers(
                Estimate(), Operands.Of("q", s_query), k, Buffer("verticalScores", s_scoreBytes), new DeviceBufferOperand("slashScores", k.Storage, k.StorageLengthInBytes)),
            "slashScores",
            "shares its buffer with k");
    }

    [TestCase(0L, 64, 30, 50, "rows")]
    [TestCase(3L, 0, 1, 1, "sequenceLength")]
    [TestCase(3L, 64, 0, 50, "verticalCount")]
    [TestCase(3L, 64, 65, 50, "verticalCount")]
    [TestCase(3L, 64, 30, 0, "slashCount")]
    [TestCase(3L, 64, 30, 65, "slashCount")]
    [TestCase(long.MaxValue / 16, 1000, 30, 50, "rows")]
    public void SelectSizesOutOfRangeAreRejected(long rows, int n, int verticalCount, int slashCount, string parameter) => Assert.That(
        () => VerticalSlashGpuValidation.ValidateSelectSizes(rows, n, verticalCount, slashCount),
        Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(parameter));

    [Test]
    public void AnIndexMayHaveNoVerticalsButASelectionMayNot() => Assert.Multiple(() =>
    {
        Assert.That(() => VerticalSlashGpuValidation.ValidateIndexSizes(3, 64, 0, 50), Throws.Nothing);
        Assert.That(() => VerticalSlashGpuValidation.ValidateSelectSizes(3, 64, 0, 50), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => VerticalSlashGpuValidation.ValidateIndexSizes(3, 64, 0, 0), Throws.TypeOf<ArgumentOutOfRangeException>());
    });

    [TestCase(1, 1, 1)]
    [TestCase(64, 1, 1)]
    [TestCase(65, 2, 2)]
    [TestCase(16384, 256, 256)]
    public void ListSizesCountQueryBlocksAndBytes(int n, long queryBlocks, long blocksPerRow)
    {
        var sizes = new VerticalSlashListSizes(Rows: 6, n, VerticalCount: Math.Min(n, 30), SlashCount: Math.Min(n, 50));
        Assert.Multiple(() =>
        {
            Assert.That(sizes.QueryBlocks, Is.EqualTo(queryBlocks));
            Assert.That(sizes.IndexRows, Is.EqualTo(6 * blocksPerRow));
            Assert.That(sizes.RowPointerBytes, Is.EqualTo(((6 * blocksPerRow) + 1) * sizeof(long)));
            Assert.That(sizes.ScoreBytes, Is.EqualTo(6L * n * sizeof(float)));
            Assert.That(sizes.VerticalBytes, Is.EqualTo(6L * Math.Min(n, 30) * sizeof(int)));
            Assert.That(sizes.SlashBytes, Is.EqualTo(6L * Math.Min(n, 50) * sizeof(int)));
        });
    }

    [Test]
    public void SelectBuffersOfTheRightSizeAreAcceptedAndScoresMayShareOne()
    {
        VerticalSlashListSizes sizes = VerticalSlashGpuValidation.ValidateSelectSizes(6, N, 64, 256);
        DeviceBufferOperand scores = Buffer("verticalScores", sizes.ScoreBytes);
        Assert.That(
            () => VerticalSlashGpuValidation.RequireSelectBuffers(sizes, scores, scores with { Name = "slashScores" }, Buffer("verticals", sizes.VerticalBytes), Buffer("slashes", sizes.SlashBytes)),
            Throws.Nothing);
    }

    [TestCase("verticalScores")]
    [TestCase("slashScores")]
    [TestCase("verticals")]
    [TestCase("slashes")]
    public void AShortSelectBufferIsRejected(string shortOne)
    {
        VerticalSlashListSizes sizes = VerticalSlashGpuValidation.ValidateSelectSizes(6, N, 64, 256);
        DeviceBufferOperand Sized(string name, long bytes) => Buffer(name, name == shortOne ? bytes - 1 : bytes);
        AssertRejected(
            () => VerticalSlashGpuValidation.RequireSelectBuffers(
                sizes, Sized("verticalScores", sizes.ScoreBytes), Sized("slashScores", sizes.ScoreBytes), Sized("verticals", sizes.VerticalBytes), Sized("slashes", sizes.SlashBytes)),
            shortOne,
            "holds");
    }

    [Test]
    public void SelectOutputsAliasingAnotherBufferAreRejected()
    {
        VerticalSlashListSizes sizes = VerticalSlashGpuValidation.ValidateSelectSizes(6, N, 64, 256);
        DeviceBufferOperand verticalScores = Buffer("verticalScores", sizes.ScoreBytes);
        DeviceBufferOperand slashScores = Buffer("slashScores", sizes.ScoreBytes);
        DeviceBufferOperand verticals = Buffer("verticals", sizes.ScoreBytes);
        Assert.Multiple(() =>
        {
            AssertRejected(
                () => VerticalSlashGpuValidation.RequireSelectBuffers(sizes, verticalScores, slashScores, verticalScores with { Name = "verticals" }, Buffer("slashes", sizes.SlashBytes)),
                "verticals",
                "verticalScores");
            AssertRejected(
                () => VerticalSlashGpuValidation.RequireSelectBuffers(sizes, verticalScores, slashScores, verticals, verticals with { Name = "slashes" }),
                "verticals",
                "slashes");
        });
    }

    [Test]
    public void NoWorkspaceIsNeededForZeroBytes() => Assert.Multiple(() =>
    {
        Assert.That(() => VerticalSlashGpuValidation.RequireWorkspace(0, null), Throws.Nothing);
        Assert.That(() => VerticalSlashGpuValidation.RequireWorkspace(0, Buffer("workspace", 1)), Throws.Nothing, "a given workspace is then ignored");
    });

    [Test]
    public void AMissingOrShortWorkspaceIsRejected() => Assert.Multiple(() =>
    {
        AssertRejected(() => VerticalSlashGpuValidation.RequireWorkspace(4096, null), "workspace", "needs 4096 bytes of workspace");
        AssertRejected(() => VerticalSlashGpuValidation.RequireWorkspace(4096, Buffer("workspace", 4095)), "workspace", "needs 4096");
        Assert.That(() => VerticalSlashGpuValidation.RequireWorkspace(4096, Buffer("workspace", 4096)), Throws.Nothing);
    });

    [Test]
    public void AWorkspaceAliasingAnOperandIsRejected()
    {
        DeviceBufferOperand verticals = Buffer("verticals", 1 << 20);
        AssertRejected(() => VerticalSlashGpuValidation.RequireWorkspace(4096, verticals with { Name = "workspace" }, Buffer("scores", 64), verticals), "workspace", "verticals");
    }

    [Test]
    public void NullContextsAreRejectedFirst() => Assert.Multiple(() =>
    {
        AssertNull(() => VerticalSlashGpu.Estimate(null!, null!, null!), "context");
        AssertNull(() => VerticalSlashGpu.Estimate(null!, null!, null!, [], null, null!, null!, null), "context");
        AssertNull(() => VerticalSlashGpu.EstimateWorkspaceSize(null!, null!, null!), "context");
        AssertNull(() => VerticalSlashGpu.Select(null!, null!, null!, 1, 64, 30, 50, null!, null!, null), "context");
        AssertNull(() => VerticalSlashGpu.Select(null!, null!, 30, 50), "context");
        AssertNull(() => VerticalSlashGpu.SelectWorkspaceSize(null!, 1, 64, 30, 50), "context");
        AssertNull(() => VerticalSlashGpu.IndexWorkspaceSize(null!, 1, 64, 30, 50), "context");
        AssertNull(() => VerticalSlashGpu.BuildIndex(null!, null!), "context");
        AssertNull(() => VerticalSlashGpu.Select(null!, null!, (VerticalSlashPattern)null!), "context");
        AssertNull(() => VerticalSlashGpu.BuildIndex(null!, null!, null!, [], null!), "context");
        AssertNull(() => DeviceVerticalSlashSelection.Upload(null!, null!), "context");
    });

    private static VerticalSlashEstimateShape Estimate(DeviceOperand? q = null, DeviceOperand? k = null, int[]? heads = null, float? softmaxScale = null) =>
        VerticalSlashGpuValidation.ValidateEstimate(q ?? Operands.Of("q", s_query), k ?? Operands.Of("k", s_key), heads ?? s_heads, softmaxScale);

    private static void ScoreBuffers(DeviceBufferOperand verticalScores, DeviceBufferOperand slashScores) =>
        VerticalSlashGpuValidation.RequireScoreBuffers(Estimate(), Operands.Of("q", s_query), Operands.Of("k", s_key), verticalScores, slashScores);

    private static DeviceBufferOperand Buffer(string name, long bytes) => new(name, new object(), bytes);

    private static void AssertRejected(TestDelegate call, string parameter, string messagePart)
    {
        var error = Assert.Throws(Is.InstanceOf<ArgumentException>(), call) as ArgumentException;
        Assert.Multiple(() =>
        {
            Assert.That(error!.ParamName, Is.EqualTo(parameter));
            Assert.That(error.Message, Does.Contain(messagePart));
        });
    }

    private static void AssertNull(TestDelegate call, string parameter) =>
        Assert.That(call, Throws.TypeOf<ArgumentNullException>().With.Property("ParamName").EqualTo(parameter));
}

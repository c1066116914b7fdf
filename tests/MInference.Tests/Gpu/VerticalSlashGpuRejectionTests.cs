using MInference.Interop;
using MInference.Sparse.Estimation;
using MInference.Sparse.Gpu;
using MInference.Sparse.Patterns;

namespace MInference.Tests.Gpu;

/// <summary>
/// Bad calls of <see cref="VerticalSlashGpu"/> on real device buffers: each must throw its typed
/// exception before anything is launched, leaving the outputs as they were. The native layer's own
/// checks are exercised by calling the ABI directly with what the safe API would never pass.
/// </summary>
public sealed class VerticalSlashGpuRejectionTests : GpuFixture
{
    private const int Batch = 1, QHeads = 8, KvHeads = 2, N = 256, HeadDim = 64;
    private const byte Sentinel = 0x5A;

    /// <summary>Workspace for direct ABI calls: the call must fail on the corrupted field, not on the workspace.</summary>
    private const long GenerousWorkspaceBytes = 64L << 20;

    private static readonly int[] s_heads = [6, 1, 2];
    private static readonly TensorLayout s_query = TensorLayout.Bhsd(Batch, QHeads, N, HeadDim);
    private static readonly TensorLayout s_key = TensorLayout.Bhsd(Batch, KvHeads, N, HeadDim);
    private static readonly long s_scoreBytes = (long)Batch * s_heads.Length * N * sizeof(float);

    private DeviceBuffer _q = null!;
    private DeviceBuffer _k = null!;
    private DeviceBuffer _verticalScores = null!;
    private DeviceBuffer _slashScores = null!;
    private DeviceBuffer _verticals = null!;
    private DeviceBuffer _slashes = null!;

    private DeviceTensor Q => new(_q, DType.BFloat16, s_query);

    private DeviceTensor K => new(_k, DType.BFloat16, s_key);

    [SetUp]
    public void AllocateOperands()
    {
        _q = Filled(new DeviceBuffer(Context, s_query.ElementCount * sizeof(ushort)), 0x3C);
        _k = Filled(new DeviceBuffer(Context, s_key.ElementCount * sizeof(ushort)), 0x3C);
        _verticalScores = Filled(new DeviceBuffer(Context, s_scoreBytes), Sentinel);
        _slashScores = Filled(new DeviceBuffer(Context, s_scoreBytes), Sentinel);
        _verticals = Filled(new DeviceBuffer(Context, s_heads.Length * N * sizeof(int)), Sentinel);
        _slashes = Filled(new DeviceBuffer(Context, s_heads.Length * N * sizeof(int)), Sentinel);
    }

    [TearDown]
    public void FreeOperands()
    {
        _q.Dispose();
        _k.Dispose();
        _verticalScores.Dispose();
        _slashScores.Dispose();
        _verticals.Dispose();
        _slashes.Dispose();
    }

    [Test]
    public void AValidEstimateWritesTheScores()
    {
        Estimate();
        Assert.That(Download(_verticalScores), Has.Some.Not.EqualTo(Sentinel));
    }

    [Test]
    public void AShortScoreBufferIsRejected()
    {
        using DeviceBuffer tooShort = Filled(new DeviceBuffer(Context, s_scoreBytes - 4), Sentinel);
        AssertRejectedAndUntouched<ArgumentException>(() => Estimate(slashScores: tooShort));
        Assert.That(Download(tooShort), Is.All.EqualTo(Sentinel), "the short buffer was written");
    }

    [Test]
    public void OneBufferForBothScoresIsRejected() =>
        AssertRejectedAndUntouched<ArgumentException>(() => Estimate(slashScores: _verticalScores));

    [Test]
    public void AHeadOutOfRangeIsRejected() =>
        AssertRejectedAndUntouched<ArgumentException>(() => Estimate(heads: [6, 8]));

    [Test]
    public void KeysOfAnotherLengthAreRejected() =>
        AssertRejectedAndUntouched<ArgumentException>(() => Estimate(k: new DeviceTensor(_k, DType.BFloat16, TensorLayout.Bhsd(Batch, KvHeads, N / 2, HeadDim))));

    [Test]
    public void AShortWorkspaceIsRejected()
    {
        long required = VerticalSlashGpu.EstimateWorkspaceSize(Context, Q, K, s_heads);
        Assume.That(required, Is.GreaterThan(1), "the estimation needs no workspace in this build");
        using var tooShort = new DeviceBuffer(Context, required - 1);
        AssertRejectedAndUntouched<ArgumentException>(() => Estimate(workspace: tooShort));
    }

    [Test]
    public void ANegativeScaleIsRejected() =>
        AssertRejectedAndUntouched<ArgumentOutOfRangeException>(() => Estimate(softmaxScale: -1));

    [Test]
    public void NullOperandsAreRejected() => Assert.Multiple(() =>
    {
        Assert.That(() => VerticalSlashGpu.Estimate(Context, null!, K), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("q"));
        Assert.That(() => VerticalSlashGpu.Estimate(Context, Q, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("k"));
        Assert.That(() => VerticalSlashGpu.Select(Context, null!, new VerticalSlashPattern(64, 256)), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("scores"));
        Assert.That(() => VerticalSlashGpu.BuildIndex(Context, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("selection"));
        Assert.That(() => VerticalSlashGpu.BuildIndex(Context, Q, K, s_heads, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("pattern"));
    });

    [TestCase(0, 50)]
    [TestCase(N + 1, 50)]
    [TestCase(30, 0)]
    [TestCase(30, N + 1)]
    public void SelectCountsOutOfRangeAreRejected(int verticalCount, int slashCount) =>
        AssertRejectedAndUntouched<ArgumentOutOfRangeException>(() => Select(verticalCount, slashCount));

    [Test]
    public void SelectOutputsSharingABufferAreRejected() =>
        AssertRejectedAndUntouched<ArgumentException>(() => Select(30, 50, slashes: _verticals));

    [Test]
    public void SelectingFromDisposedScoresIsRejected()
    {
        DeviceVerticalSlashScores scores = VerticalSlashGpu.Estimate(Context, Q, K, s_heads);
        scores.Dispose();
        Assert.That(() => VerticalSlashGpu.Select(Context, scores, new VerticalSlashPattern(64, 256)), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void ConvertingADisposedSelectionIsRejected()
    {
        var selection = new VerticalSlashSelection(N, Batch, s_heads, 1, new int[s_heads.Length], 1, new int[s_heads.Length]);
        DeviceVerticalSlashSelection device = DeviceVerticalSlashSelection.Upload(Context, selection);
        device.Dispose();
        Assert.That(() => VerticalSlashGpu.BuildIndex(Context, device), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void NativeLayerRejectsAVerticalCountAboveN() =>
        AssertNativeSelectRejects<NativeArgumentException>((ref MiVsSelectArgs args) => args.VerticalCount = N + 1);

    [Test]
    public void NativeLayerRejectsAZeroSlashCount() =>
        AssertNativeSelectRejects<NativeArgumentException>((ref MiVsSelectArgs args) => args.SlashCount = 0);

    [Test]
    public void NativeLayerRejectsANullScorePointer() =>
        AssertNativeSelectRejects<NativeArgumentException>((ref MiVsSelectArgs args) => args.SlashScores = 0);

    [Test]
    public void NativeLayerRejectsARepeatedHead()
    {
        using var q = new SafeHandleLease(_q.Memory);
        using var k = new SafeHandleLease(_k.Memory);
        using var vertical = new SafeHandleLease(_verticalScores.Memory);
        using var slash = new SafeHandleLease(_slashScores.Memory);
        var args = new MiVsEstimateArgs
        {
            DType = MiDType.BFloat16,
            Batch = Batch,
            QHeads = QHeads,
            KvHeads = KvHeads,
            SeqLen = N,
            HeadDim = HeadDim,
            Q = Contiguous(q.Value, QHeads),
            K = Contiguous(k.Value, KvHeads),
            VerticalScores = vertical.Value,
            SlashScores = slash.Value,
        };

        using var workspace = new DeviceBuffer(Context, GenerousWorkspaceBytes);
        using var workspaceMemory = new SafeHandleLease(workspace.Memory);

        MiStatusCode status = MiNative.VsEstimate(args, [6, 1, 6], workspaceMemory.Value, workspace.LengthInBytes, Context.Stream.Handle);

        Assert.That(() => MiStatus.ThrowIfFailed(status), Throws.TypeOf<NativeArgumentException>(), $"native status {status}");
        Context.Synchronize();
        AssertOutputsUntouched();
    }

    private static DeviceBuffer Filled(DeviceBuffer buffer, byte value)
    {
        buffer.Fill(value);
        return buffer;
    }

    private static MiTensor4 Contiguous(nint data, long heads)
    {
        var tensor = new MiTensor4 { Data = data };
        tensor.Stride[0] = heads * N * HeadDim;
        tensor.Stride[1] = N * HeadDim;
        tensor.Stride[2] = HeadDim;
        tensor.Stride[3] = 1;
        return tensor;
    }

    private void Estimate(
        DeviceTensor? k = null, int[]? heads = null, float? softmaxScale = null, DeviceBuffer? slashScores = null, DeviceBuffer? workspace = null)
    {
        long required = workspace is null ? VerticalSlashGpu.EstimateWorkspaceSize(Context, Q, K, s_heads) : 0;
        using DeviceBuffer? ownWorkspace = required > 0 ? new DeviceBuffer(Context, required) : null;
        VerticalSlashGpu.Estimate(Context, Q, k ?? K, heads ?? s_heads, softmaxScale, _verticalScores, slashScores ?? _slashScores, workspace ?? ownWorkspace);
        Context.Synchronize();
    }

    private void Select(int verticalCount, int slashCount, DeviceBuffer? slashes = null)
    {
        VerticalSlashGpu.Select(Context, _verticalScores, _slashScores, s_heads.Length, N, verticalCount, slashCount, _verticals, slashes ?? _slashes, workspace: null);
        Context.Synchronize();
    }

    private void AssertRejectedAndUntouched<TException>(TestDelegate call)
        where TException : Exception
    {
        Assert.Throws(Is.InstanceOf<TException>(), call);
        Context.Synchronize();
        AssertOutputsUntouched();
    }

    /// <summary>Calls mi_vs_select with valid arguments altered by <paramref name="corrupt"/>; the status must map to <typeparamref name="TException"/>.</summary>
    private void AssertNativeSelectRejects<TException>(MutateSelectArgs corrupt)
        where TException : Exception
    {
        using var vertical = new SafeHandleLease(_verticalScores.Memory);
        using var slash = new SafeHandleLease(_slashScores.Memory);
        using var verticals = new SafeHandleLease(_verticals.Memory);
        using var slashes = new SafeHandleLease(_slashes.Memory);
        var args = new MiVsSelectArgs
        {
            Rows = s_heads.Length,
            SeqLen = N,
            VerticalCount = 30,
            SlashCount = 50,
            VerticalScores = vertical.Value,
            SlashScores = slash.Value,
            Verticals = verticals.Value,
            Slashes = slashes.Value,
        };
        corrupt(ref args);

        using var workspace = new DeviceBuffer(Context, GenerousWorkspaceBytes);
        using var workspaceMemory = new SafeHandleLease(workspace.Memory);
        MiStatusCode status = MiNative.mi_vs_select(in args, workspaceMemory.Value, workspace.LengthInBytes, Context.Stream.Handle);

        Assert.That(() => MiStatus.ThrowIfFailed(status), Throws.TypeOf<TException>(), $"native status {status}");
        Context.Synchronize();
        AssertOutputsUntouched();
    }

    private void AssertOutputsUntouched() => Assert.Multiple(() =>
    {
        Assert.That(Download(_verticalScores), Is.All.EqualTo(Sentinel), "vertical scores touched");
        Assert.That(Download(_slashScores), Is.All.EqualTo(Sentinel), "slash scores touched");
        Assert.That(Download(_verticals), Is.All.EqualTo(Sentinel), "verticals touched");
        Assert.That(Download(_slashes), Is.All.EqualTo(Sentinel), "slashes touched");
    });

    private delegate void MutateSelectArgs(ref MiVsSelectArgs args);
}

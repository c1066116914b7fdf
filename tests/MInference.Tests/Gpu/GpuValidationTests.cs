using System.Runtime.InteropServices;
using MInference.Interop;

namespace MInference.Tests.Gpu;

/// <summary>
/// Bad calls on real device buffers: each must throw its typed exception before anything is
/// launched, leaving the output and log-sum-exp bytes as they were. The native layer's own checks
/// are exercised by calling the ABI directly with what the safe API would never pass.
/// </summary>
public sealed class GpuValidationTests : GpuFixture
{
    private const int QHeads = 8, KvHeads = 2, QLen = 64, KvLen = 128, HeadDim = 64;
    private const byte Sentinel = 0x5A;
    private static readonly TensorLayout s_query = TensorLayout.Bhsd(1, QHeads, QLen, HeadDim);
    private static readonly TensorLayout s_keyValue = TensorLayout.Bhsd(1, KvHeads, KvLen, HeadDim);

    private DeviceBuffer _q = null!;
    private DeviceBuffer _k = null!;
    private DeviceBuffer _v = null!;
    private DeviceBuffer _output = null!;
    private DeviceBuffer _logSumExp = null!;

    [SetUp]
    public void AllocateOperands()
    {
        // Twice the bytes a valid call needs, so calls with larger views reach the validation rule under test.
        _q = Filled(new DeviceBuffer(Context, 2 * s_query.ElementCount * sizeof(ushort)), 0x3C);
        _k = Filled(new DeviceBuffer(Context, 2 * s_keyValue.ElementCount * sizeof(ushort)), 0x3C);
        _v = Filled(new DeviceBuffer(Context, 2 * s_keyValue.ElementCount * sizeof(ushort)), 0x3C);
        _output = Filled(new DeviceBuffer(Context, 2 * s_query.ElementCount * sizeof(ushort)), Sentinel);
        _logSumExp = Filled(new DeviceBuffer(Context, QHeads * QLen * sizeof(float)), Sentinel);
    }

    [TearDown]
    public void FreeOperands()
    {
        _q.Dispose();
        _k.Dispose();
        _v.Dispose();
        _output.Dispose();
        _logSumExp.Dispose();
    }

    [Test]
    public void AValidCallWritesTheOutput()
    {
        Dense();
        Assert.That(Download(_output).Take((int)s_query.ElementCount * sizeof(ushort)), Has.Some.Not.EqualTo(Sentinel));
    }

    [Test]
    public void MisalignedViewIsRejected() =>
        AssertRejectedAndUntouched<ArgumentException>(() => Dense(q: new DeviceTensor(_q, DType.BFloat16, s_query, elementOffset: 4)));

    [Test]
    public void ViewOutsideItsBufferIsRejected() =>
        AssertRejectedAndUntouched<ArgumentException>(() => Dense(k: new DeviceTensor(_k, DType.BFloat16, s_keyValue, elementOffset: s_keyValue.ElementCount + 8)));

    [Test]
    public void KeyValueHeadsNotDividingQueryHeadsAreRejected()
    {
        TensorLayout threeHeads = TensorLayout.Bhsd(1, 3, KvLen / 2, HeadDim);
        AssertRejectedAndUntouched<ArgumentException>(() => Dense(k: new DeviceTensor(_k, DType.BFloat16, threeHeads), v: new DeviceTensor(_v, DType.BFloat16, threeHeads)));
    }

    [Test]
    public void UnsupportedHeadDimIsNotSupported()
    {
        // 160: a multiple of 32 with no kernel (the buffers hold a quarter of the rows at that width).
        TensorLayout query160 = TensorLayout.Bhsd(1, QHeads, QLen / 4, 160);
        TensorLayout keyValue160 = TensorLayout.Bhsd(1, KvHeads, KvLen / 4, 160);
        AssertRejectedAndUntouched<NotSupportedException>(() => Dense(
            q: new DeviceTensor(_q, DType.BFloat16, query160),
            k: new DeviceTensor(_k, DType.BFloat16, keyValue160),
            v: new DeviceTensor(_v, DType.BFloat16, keyValue160),
            output: new DeviceTensor(_output, DType.BFloat16, query160)));
    }

    [Test]
    public void Float32IsNotSupported()
    {
        TensorLayout queryHalf = TensorLayout.Bhsd(1, QHeads, QLen / 2, HeadDim);
        TensorLayout keyValueHalf = TensorLayout.Bhsd(1, KvHeads, KvLen / 2, HeadDim);
        AssertRejectedAndUntouched<NotSupportedException>(() => Dense(
            q: new DeviceTensor(_q, DType.Float32, queryHalf),
            k: new DeviceTensor(_k, DType.Float32, keyValueHalf),
            v: new DeviceTensor(_v, DType.Float32, keyValueHalf),
            output: new DeviceTensor(_output, DType.Float32, queryHalf)));
    }

    [Test]
    public void CausalWithMoreQueriesThanKeysIsRejected()
    {
        TensorLayout keyValueShort = TensorLayout.Bhsd(1, KvHeads, QLen - 1, HeadDim);
        AssertRejectedAndUntouched<ArgumentException>(() => Dense(
            k: new DeviceTensor(_k, DType.BFloat16, keyValueShort),
            v: new DeviceTensor(_v, DType.BFloat16, keyValueShort),
            options: new DenseAttentionOptions { Causal = true }));
    }

    [Test]
    public void NonPositiveScaleIsRejected() =>
        AssertRejectedAndUntouched<ArgumentOutOfRangeException>(() => Dense(options: new DenseAttentionOptions { SoftmaxScale = 0 }));

    [Test]
    public void ShortLogSumExpBufferIsRejected()
    {
        using DeviceBuffer tooShort = new(Context, (QHeads * QLen * sizeof(float)) - 4);
        AssertRejectedAndUntouched<ArgumentException>(() => Dense(logSumExp: tooShort));
    }

    [Test]
    public void DisposedInputIsRejected()
    {
        _k.Dispose();
        AssertRejectedAndUntouched<ObjectDisposedException>(() => Dense());
    }

    [Test]
    public void DisposedOutputIsRejected()
    {
        using DeviceBuffer output = new(Context, s_query.ElementCount * sizeof(ushort));
        var view = new DeviceTensor(output, DType.BFloat16, s_query);
        output.Dispose();
        Assert.That(() => Dense(output: view), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void NativeLayerRejectsANullQueryPointer()
    {
        AssertNativeRejectsAndLeavesOutput<NativeArgumentException>((ref MiDenseAttentionArgs args) => args.Q.Data = 0);
    }

    [Test]
    public void NativeLayerRejectsAHostPointerAsQuery()
    {
        var host = new ushort[s_query.ElementCount];
        GCHandle pinned = GCHandle.Alloc(host, GCHandleType.Pinned);
        try
        {
            AssertNativeRejectsAndLeavesOutput<NativeArgumentException>((ref MiDenseAttentionArgs args) => args.Q.Data = pinned.AddrOfPinnedObject());
        }
        finally
        {
            pinned.Free();
        }
    }

    [Test]
    public void NativeLayerReportsAnUnsupportedHeadDim()
    {
        // Strides of a [1, 8, 16, 160] / [1, 2, 32, 160] problem: valid except that no kernel exists for 160.
        AssertNativeRejectsAndLeavesOutput<NativeNotSupportedException>((ref MiDenseAttentionArgs args) =>
        {
            args.HeadDim = 160;
            args.QLen = QLen / 4;
            args.KvLen = KvLen / 4;
            SetContiguousStrides(ref args.Q, QHeads, QLen / 4, 160);
            SetContiguousStrides(ref args.O, QHeads, QLen / 4, 160);
            SetContiguousStrides(ref args.K, KvHeads, KvLen / 4, 160);
            SetContiguousStrides(ref args.V, KvHeads, KvLen / 4, 160);
        });
    }

    [Test]
    public void NativeLayerRejectsKeyValueHeadsNotDividingQueryHeads()
    {
        AssertNativeRejectsAndLeavesOutput<NativeArgumentException>((ref MiDenseAttentionArgs args) => args.KvHeads = 3);
    }

    private static DeviceBuffer Filled(DeviceBuffer buffer, byte value)
    {
        buffer.Fill(value);
        return buffer;
    }

    private static void SetContiguousStrides(ref MiTensor4 tensor, long heads, long length, long headDim)
    {
        tensor.Stride[0] = heads * length * headDim;
        tensor.Stride[1] = length * headDim;
        tensor.Stride[2] = headDim;
        tensor.Stride[3] = 1;
    }

    private void Dense(
        DeviceTensor? q = null,
        DeviceTensor? k = null,
        DeviceTensor? v = null,
        DeviceTensor? output = null,
        DenseAttentionOptions options = default,
        DeviceBuffer? logSumExp = null)
    {
        Attention.Dense(
            Context,
            q ?? new DeviceTensor(_q, DType.BFloat16, s_query),
            k ?? new DeviceTensor(_k, DType.BFloat16, s_keyValue),
            v ?? new DeviceTensor(_v, DType.BFloat16, s_keyValue),
            output ?? new DeviceTensor(_output, DType.BFloat16, s_query),
            options,
            logSumExp ?? _logSumExp);
        Context.Synchronize();
    }

    private void AssertRejectedAndUntouched<TException>(TestDelegate call)
        where TException : Exception
    {
        Assert.Throws(Is.InstanceOf<TException>(), call);
        Context.Synchronize();
        Assert.Multiple(() =>
        {
            Assert.That(Download(_output), Is.All.EqualTo(Sentinel), "output touched");
            Assert.That(Download(_logSumExp), Is.All.EqualTo(Sentinel), "log-sum-exp touched");
        });
    }

    /// <summary>Calls the ABI with a valid argument struct altered by <paramref name="corrupt"/>; the status must map to <typeparamref name="TException"/>.</summary>
    private void AssertNativeRejectsAndLeavesOutput<TException>(MutateArgs corrupt)
        where TException : Exception
    {
        using var q = new SafeHandleLease(_q.Memory);
        using var k = new SafeHandleLease(_k.Memory);
        using var v = new SafeHandleLease(_v.Memory);
        using var output = new SafeHandleLease(_output.Memory);
        using var logSumExp = new SafeHandleLease(_logSumExp.Memory);
        var args = new MiDenseAttentionArgs
        {
            DType = MiDType.BFloat16,
            Batch = 1,
            QHeads = QHeads,
            KvHeads = KvHeads,
            QLen = QLen,
            KvLen = KvLen,
            HeadDim = HeadDim,
            Q = new MiTensor4 { Data = q.Value },
            K = new MiTensor4 { Data = k.Value },
            V = new MiTensor4 { Data = v.Value },
            O = new MiTensor4 { Data = output.Value },
            Lse = logSumExp.Value,
            Causal = 1,
        };
        SetContiguousStrides(ref args.Q, QHeads, QLen, HeadDim);
        SetContiguousStrides(ref args.O, QHeads, QLen, HeadDim);
        SetContiguousStrides(ref args.K, KvHeads, KvLen, HeadDim);
        SetContiguousStrides(ref args.V, KvHeads, KvLen, HeadDim);
        corrupt(ref args);

        MiStatusCode status = MiNative.mi_attention_dense_fwd(in args, Context.Stream.Handle);

        Assert.That(() => MiStatus.ThrowIfFailed(status), Throws.TypeOf<TException>(), $"native status {status}");
        Context.Synchronize();
        Assert.Multiple(() =>
        {
            Assert.That(Download(_output), Is.All.EqualTo(Sentinel), "output touched");
            Assert.That(Download(_logSumExp), Is.All.EqualTo(Sentinel), "log-sum-exp touched");
        });
    }

    private delegate void MutateArgs(ref MiDenseAttentionArgs args);
}

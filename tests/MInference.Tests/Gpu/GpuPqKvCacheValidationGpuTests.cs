using MInference.Decode;

namespace MInference.Tests.Gpu;

/// <summary>
/// Bad calls on a <see cref="GpuPqKvCache"/>: each throws its typed exception before anything is
/// enqueued, and the cache (device codes, windows and lengths, host lengths) stays as it was; appends
/// past the capacity throw <see cref="KvCacheCapacityException"/> the same way. Also the checks at
/// creation, disposal, and streams created with a priority.
/// </summary>
public sealed class GpuPqKvCacheValidationGpuTests : GpuFixture
{
    private const int HeadDim = 64, Subspaces = 32, KvHeads = 2, Batch = 2, Capacity = 300;
    private static readonly PqKvCacheOptions s_options = new() { BatchSize = Batch, Capacity = Capacity, WindowTokens = 128, DType = DType.BFloat16 };

    private PqCachePair _pair = null!;
    private DeviceBuffer _scratch = null!;

    [SetUp]
    public void CreateCache()
    {
        var codebooks = PqCachePair.RandomCodebooks(new Random(3), HeadDim, Subspaces, KvHeads, shared: false);
        _pair = new PqCachePair(Context, new Random(4), codebooks, s_options);
        _pair.Prompt(0, 200);
        _pair.Prompt(1, 130);
        _scratch = new DeviceBuffer(Context, 1 << 20);
        _scratch.Fill(0);
    }

    [TearDown]
    public void DisposeCache()
    {
        _pair.Dispose();
        _scratch.Dispose();
    }

    [Test]
    public void APromptPastTheCapacityThrowsAndChangesNothing()
    {
        GpuCacheContents before = _pair.Download();
        var layout = TensorLayout.Bhsd(1, KvHeads, 101, HeadDim);
        var exception = Assert.Throws<KvCacheCapacityException>(() => _pair.Gpu.AppendPrompt(0, Tensor(layout), Tensor(layout)));
        Assert.Multiple(() =>
        {
            Assert.That(exception!.Sequence, Is.EqualTo(0));
            Assert.That(exception.Length, Is.EqualTo(200));
            Assert.That(exception.Appended, Is.EqualTo(101));
            Assert.That(exception.Capacity, Is.EqualTo(Capacity));
        });
        AssertUnchanged(before);
        _pair.Prompt(0, 100);  // exactly to the capacity
        _pair.AssertSame("filled to the capacity after the rejected prompt");
    }

    [Test]
    public void AStepWithAFullSequenceThrowsAndChangesNothing()
    {
        _pair.Prompt(0, 100);
        GpuCacheContents before = _pair.Download();
        var layout = TensorLayout.Bhsd(Batch, KvHeads, 1, HeadDim);
        var exception = Assert.Throws<KvCacheCapacityException>(() => _pair.Gpu.AppendStep(Tensor(layout), Tensor(layout)));
        Assert.That(exception!.Sequence, Is.EqualTo(0));
        AssertUnchanged(before);
    }

    private static IEnumerable<TestCaseData> BadPrompts()
    {
        var good = TensorLayout.Bhsd(1, KvHeads, 10, HeadDim);
        yield return new TestCaseData(TensorLayout.Bhsd(1, KvHeads + 1, 10, HeadDim), good, DType.BFloat16, "kv_heads").SetArgDisplayNames("keys with 3 kv heads");
        yield return new TestCaseData(TensorLayout.Bhsd(1, KvHeads, 10, 128), TensorLayout.Bhsd(1, KvHeads, 10, 128), DType.BFloat16, "codebooks' head_dim").SetArgDisplayNames("head_dim 128 against codebooks of 64");
        yield return new TestCaseData(TensorLayout.Bhsd(2, KvHeads, 10, HeadDim), good, DType.BFloat16, "[1, kv_heads, P, head_dim]").SetArgDisplayNames("a batch of 2");
        yield return new TestCaseData(TensorLayout.Contiguous(KvHeads, 10, HeadDim), good, DType.BFloat16, "[1, kv_heads, P, head_dim]").SetArgDisplayNames("rank 3");
        yield return new TestCaseData(good, TensorLayout.Bhsd(1, KvHeads, 11, HeadDim), DType.BFloat16, "keys' P").SetArgDisplayNames("values one token longer");
        yield return new TestCaseData(good, good, DType.Float16, "BFloat16").SetArgDisplayNames("Float16 into a BFloat16 cache");
        yield return new TestCaseData(new TensorLayout([1, KvHeads, 10, HeadDim], [KvHeads * 10 * HeadDim * 2, 10 * HeadDim * 2, HeadDim * 2, 2]), good, DType.BFloat16, "head_dim contiguous")
            .SetArgDisplayNames("head_dim stride 2");
        yield return new TestCaseData(TensorLayout.Bhsd(1, KvHeads, 5000, HeadDim), TensorLayout.Bhsd(1, KvHeads, 5000, HeadDim), DType.BFloat16, "buffer holds").SetArgDisplayNames("past the end of the buffer");
    }

    [TestCaseSource(nameof(BadPrompts))]
    public void ABadPromptThrowsArgumentExceptionAndChangesNothing(TensorLayout keys, TensorLayout values, DType dtype, string messagePart)
    {
        GpuCacheContents before = _pair.Download();
        var exception = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => _pair.Gpu.AppendPrompt(1, Tensor(keys, dtype), Tensor(values, dtype)));
        Assert.That(exception!.Message, Does.Contain(messagePart));
        AssertUnchanged(before);
    }

    [Test]
    public void ABadStepThrowsArgumentExceptionAndChangesNothing()
    {
        GpuCacheContents before = _pair.Download();
        var good = TensorLayout.Bhsd(Batch, KvHeads, 1, HeadDim);
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => _pair.Gpu.AppendStep(Tensor(TensorLayout.Bhsd(Batch + 1, KvHeads, 1, HeadDim)), Tensor(good)), "a batch of 3");
            Assert.Throws<ArgumentException>(() => _pair.Gpu.AppendStep(Tensor(TensorLayout.Bhsd(Batch, KvHeads, 2, HeadDim)), Tensor(good)), "two tokens per sequence");
            Assert.Throws<ArgumentException>(() => _pair.Gpu.AppendStep(Tensor(good), Tensor(good, DType.Float16)), "values of another dtype");
        });
        AssertUnchanged(before);
    }

    [Test]
    public void ASequenceOutOfRangeOrADisposedStreamThrowsAndChangesNothing()
    {
        GpuCacheContents before = _pair.Download();
        var layout = TensorLayout.Bhsd(1, KvHeads, 10, HeadDim);
        var stream = new GpuStream(Context, GpuStreamPriority.Lowest);
        stream.Dispose();
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => _pair.Gpu.AppendPrompt(Batch, Tensor(layout), Tensor(layout)));
            Assert.Throws<ArgumentOutOfRangeException>(() => _pair.Gpu.AppendPrompt(-1, Tensor(layout), Tensor(layout)));
            Assert.Throws<ObjectDisposedException>(() => _pair.Gpu.AppendPrompt(0, Tensor(layout), Tensor(layout), stream));
        });
        AssertUnchanged(before);
    }

    [Test]
    public void CreationChecksTheCodebooksTheLayerAndTheOptions()
    {
        // head_dim 160 is a valid codebook (M = 32 divides it) but not one the GPU kernels take.
        var unsupported = PqCachePair.RandomCodebooks(new Random(1), 160, 32, KvHeads, shared: false);
        var codebooks = PqCachePair.RandomCodebooks(new Random(2), HeadDim, Subspaces, KvHeads, shared: true);
        Assert.Multiple(() =>
        {
            var headDim = Assert.Throws<ArgumentException>(() => new GpuPqKvCache(Context, unsupported, 0, s_options).Dispose());
            Assert.That(headDim!.Message, Does.Contain("head_dim is 160"));
            Assert.Throws<ArgumentOutOfRangeException>(() => new GpuPqKvCache(Context, codebooks, 1, s_options).Dispose(), "layer 1 of a 1-layer set");
            Assert.Throws<ArgumentOutOfRangeException>(() => new GpuPqKvCache(Context, codebooks, 0, s_options with { Capacity = 0 }).Dispose(), "capacity 0");
            Assert.Throws<ArgumentOutOfRangeException>(() => new GpuPqKvCache(Context, codebooks, 0, s_options with { DType = DType.Float32 }).Dispose(), "a Float32 window");
            Assert.Throws<ArgumentNullException>(() => new GpuPqKvCache(Context, null!, 0, s_options).Dispose());
        });
    }

    [Test]
    public void ADisposedCacheThrowsObjectDisposedException()
    {
        var codebooks = PqCachePair.RandomCodebooks(new Random(2), HeadDim, Subspaces, KvHeads, shared: true);
        var cache = new GpuPqKvCache(Context, codebooks, 0, s_options);
        cache.Dispose();
        var layout = TensorLayout.Bhsd(Batch, KvHeads, 1, HeadDim);
        Assert.Multiple(() =>
        {
            Assert.That(cache.IsDisposed, Is.True);
            Assert.Throws<ObjectDisposedException>(() => cache.AppendStep(Tensor(layout), Tensor(layout)));
            Assert.Throws<ObjectDisposedException>(() => _ = cache.View);
            Assert.Throws<ObjectDisposedException>(cache.SynchronizeEncoding);
        });
    }

    [Test]
    public void StreamsCanBeCreatedAtEitherEndOfThePriorityRange()
    {
        using var low = new GpuStream(Context, GpuStreamPriority.Lowest);
        using var high = new GpuStream(Context, GpuStreamPriority.Highest);
        using var highContext = new GpuContext(Context.Device.Ordinal, GpuStreamPriority.Highest);
        using var marker = new GpuEvent(Context);
        marker.Record(high);
        low.WaitFor(marker);
        low.Synchronize();
        highContext.Synchronize();
        Assert.Multiple(() =>
        {
            Assert.That(low.DeviceOrdinal, Is.EqualTo(Context.Device.Ordinal));
            Assert.Throws<ArgumentOutOfRangeException>(() => new GpuStream(Context, (GpuStreamPriority)7).Dispose());
        });
    }

    private DeviceTensor Tensor(TensorLayout layout, DType dtype = DType.BFloat16) => new(_scratch, dtype, layout);

    private void AssertUnchanged(GpuCacheContents before)
    {
        GpuCacheContents after = _pair.Download();
        Assert.Multiple(() =>
        {
            Assert.That(after.KeyCodes, Is.EqualTo(before.KeyCodes), "key codes");
            Assert.That(after.ValueCodes, Is.EqualTo(before.ValueCodes), "value codes");
            Assert.That(after.KeyWindow, Is.EqualTo(before.KeyWindow), "key window");
            Assert.That(after.ValueWindow, Is.EqualTo(before.ValueWindow), "value window");
            Assert.That(after.CodedLengths, Is.EqualTo(before.CodedLengths), "device coded lengths");
            Assert.That(after.WindowLengths, Is.EqualTo(before.WindowLengths), "device window lengths");
        });
        _pair.AssertSame("after the rejected call");
    }
}

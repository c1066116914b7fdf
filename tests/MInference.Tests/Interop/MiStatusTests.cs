using MInference.Interop;

namespace MInference.Tests.Interop;

/// <summary>
/// Status-to-exception mapping. Needs the native library (the message comes from mi_last_error),
/// not a GPU; skipped when the library cannot be loaded.
/// </summary>
public sealed class MiStatusTests
{
    [OneTimeSetUp]
    public void RequireNativeLibrary()
    {
        if (!MiLibrary.LoadResult.IsLoaded)
        {
            Assert.Ignore($"native library unavailable: {MiLibrary.LoadResult.FailureReason}");
        }
    }

    [Test]
    public void OkDoesNotThrow() => Assert.That(() => MiStatus.ThrowIfFailed(MiStatusCode.Ok), Throws.Nothing);

    [TestCase(1, typeof(NativeArgumentException), Description = "MI_ERR_INVALID_ARGUMENT")]
    [TestCase(2, typeof(NativeNotSupportedException), Description = "MI_ERR_UNSUPPORTED")]
    [TestCase(3, typeof(GpuUnavailableException), Description = "MI_ERR_NO_DEVICE")]
    [TestCase(4, typeof(GpuUnavailableException), Description = "MI_ERR_UNSUPPORTED_DEVICE")]
    [TestCase(5, typeof(DeviceOutOfMemoryException), Description = "MI_ERR_OUT_OF_MEMORY")]
    [TestCase(6, typeof(CudaException), Description = "MI_ERR_CUDA")]
    [TestCase(7, typeof(CudaException), Description = "MI_ERR_INTERNAL")]
    [TestCase(42, typeof(CudaException), Description = "a status this binding does not know")]
    public void EachStatusMapsToItsException(int status, Type expected)
    {
        Exception? thrown = Assert.Catch(() => MiStatus.ThrowIfFailed((MiStatusCode)status));
        Assert.Multiple(() =>
        {
            Assert.That(thrown, Is.TypeOf(expected));
            Assert.That(thrown!.Message, Is.Not.Empty);
        });
    }

    [Test]
    public void TheNativeMessageIsCarried()
    {
        // On a machine without a GPU this fails with MI_ERR_NO_DEVICE and the driver's reason; with
        // one, device 100000 does not exist (MI_ERR_INVALID_ARGUMENT). Either way the message
        // must be the library's, not the fallback.
        MiStatusCode status = MiNative.mi_device_set(100_000);
        Assume.That(status, Is.Not.EqualTo(MiStatusCode.Ok));
        Exception? thrown = Assert.Catch(() => MiStatus.ThrowIfFailed(status));
        Assert.That(thrown!.Message, Does.Not.Contain("left no message"));
    }
}

using System.Runtime.InteropServices;

namespace MInference.Tests.Gpu;

/// <summary>
/// Base of every fixture that needs a CUDA device: probes once, and without a usable GPU marks the
/// whole fixture ignored (reported as skipped, with the reason), never passed. Tests get a
/// <see cref="Context"/> shared by the fixture.
/// </summary>
[Category("Gpu")]
public abstract class GpuFixture
{
    private GpuContext? _context;

    protected GpuContext Context => _context ?? throw new InvalidOperationException("the fixture's one-time setup did not run");

    [OneTimeSetUp]
    public void CreateContext()
    {
        if (!GpuBackend.IsAvailable)
        {
            Assert.Ignore($"no CUDA device: {GpuBackend.UnavailableReason}");
        }

        _context = new GpuContext();
    }

    [OneTimeTearDown]
    public void DisposeContext() => _context?.Dispose();

    /// <summary>A device buffer holding <paramref name="values"/>.</summary>
    protected DeviceBuffer Upload<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var buffer = new DeviceBuffer(Context, MemoryMarshal.AsBytes(values).Length);
        buffer.CopyFromHost(values);
        return buffer;
    }

    /// <summary>The buffer's bytes.</summary>
    protected static byte[] Download(DeviceBuffer buffer)
    {
        var bytes = new byte[buffer.LengthInBytes];
        buffer.CopyToHost<byte>(bytes);
        return bytes;
    }
}

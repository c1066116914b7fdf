namespace MInference.Tests.Gpu;

public sealed class DeviceBufferTests : GpuFixture
{
    [Test]
    public void UploadedBytesComeBack()
    {
        byte[] values = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        using DeviceBuffer buffer = Upload<byte>(values);
        Assert.That(Download(buffer), Is.EqualTo(values));
    }

    [Test]
    public void CopiesHonourOffsets()
    {
        using var buffer = new DeviceBuffer(Context, 64);
        buffer.Fill(0);
        buffer.CopyFromHost<float>([1.5f, -2.5f], destinationByteOffset: 16);
        var back = new float[2];
        buffer.CopyToHost<float>(back, sourceByteOffset: 16);
        Assert.Multiple(() =>
        {
            Assert.That(back, Is.EqualTo(new[] { 1.5f, -2.5f }));
            Assert.That(Download(buffer).Take(16), Is.All.Zero);
        });
    }

    [Test]
    public void FillAndDeviceCopy()
    {
        using var source = new DeviceBuffer(Context, 4096);
        using var destination = new DeviceBuffer(Context, 8192);
        source.Fill(0xAB);
        destination.Fill(0);
        source.CopyTo(destination);
        byte[] bytes = Download(destination);
        Assert.Multiple(() =>
        {
            Assert.That(bytes.Take(4096), Is.All.EqualTo((byte)0xAB));
            Assert.That(bytes.Skip(4096), Is.All.Zero);
        });
    }

    [Test]
    public void OutOfRangeCopiesAreRejected()
    {
        using var buffer = new DeviceBuffer(Context, 16);
        Assert.Multiple(() =>
        {
            Assert.That(() => buffer.CopyFromHost<byte>(new byte[17]), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => buffer.CopyToHost<byte>(new byte[8], sourceByteOffset: 9), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => buffer.CopyFromHost<byte>(new byte[1], destinationByteOffset: -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new DeviceBuffer(Context, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void DisposedBufferThrowsObjectDisposed()
    {
        var buffer = new DeviceBuffer(Context, 16);
        buffer.Dispose();
        Assert.Multiple(() =>
        {
            Assert.That(buffer.IsDisposed);
            Assert.That(() => buffer.CopyFromHost<byte>(new byte[4]), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => buffer.CopyToHost<byte>(new byte[4]), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => buffer.Fill(0), Throws.TypeOf<ObjectDisposedException>());
        });
    }

    [Test]
    public void ImpossibleAllocationIsDeviceOutOfMemory() =>
        Assert.That(() => new DeviceBuffer(Context, 1L << 50), Throws.TypeOf<DeviceOutOfMemoryException>());

    [Test]
    public void TimerMeasuresGpuWork()
    {
        using var buffer = new DeviceBuffer(Context, 256L << 20);
        using var timer = new GpuTimer(Context);
        timer.Start();
        buffer.Fill(1);
        float milliseconds = timer.Stop();
        Assert.That(milliseconds, Is.GreaterThan(0).And.LessThan(10_000));
    }
}

using System.Runtime.InteropServices;
using MInference.Interop;

namespace MInference;

/// <summary>
/// A block of device memory on a <see cref="GpuContext"/>'s device, 256-byte aligned. The buffer owns
/// the memory and frees it on <see cref="Dispose"/>; <see cref="DeviceTensor"/> views over it do
/// not own it and must not be used after it is disposed. Copies go through the context's stream.
/// </summary>
public sealed class DeviceBuffer : IDisposable
{
    private readonly DeviceMemoryHandle _memory;

    /// <summary>Allocates <paramref name="lengthInBytes"/> bytes on <paramref name="context"/>'s device. Contents are undefined.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lengthInBytes"/> is not positive.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="context"/> is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has not enough free memory.</exception>
    public DeviceBuffer(GpuContext context, long lengthInBytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lengthInBytes);
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_malloc(out _memory, lengthInBytes));
        Context = context;
        LengthInBytes = lengthInBytes;
    }

    /// <summary>The context whose device holds the memory and whose stream copies use.</summary>
    public GpuContext Context { get; }

    /// <summary>Size in bytes.</summary>
    public long LengthInBytes { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => _memory.IsClosed;

    internal DeviceMemoryHandle Memory => _memory;

    /// <summary>
    /// Copies <paramref name="source"/> into the buffer at <paramref name="destinationByteOffset"/>.
    /// Ordered after earlier work on the context's stream; returns once the copy is done.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The copy would run past the end of the buffer.</exception>
    /// <exception cref="ObjectDisposedException">The buffer or its context is disposed.</exception>
    public void CopyFromHost<T>(ReadOnlySpan<T> source, long destinationByteOffset = 0)
        where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(source);
        ThrowIfOutside(destinationByteOffset, bytes.Length, nameof(destinationByteOffset));
        if (bytes.IsEmpty)
        {
            return;
        }

        using var memory = new SafeHandleLease(_memory);
        MiHostCopy.ToDevice(memory.Value + (nint)destinationByteOffset, bytes, Context.Stream.Handle);
    }

    /// <summary>
    /// Copies bytes from <paramref name="sourceByteOffset"/> into <paramref name="destination"/>.
    /// Ordered after earlier work on the context's stream; returns once the copy is done.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The copy would read past the end of the buffer.</exception>
    /// <exception cref="ObjectDisposedException">The buffer or its context is disposed.</exception>
    /// <exception cref="CudaException">Earlier asynchronous work on the stream failed.</exception>
    public void CopyToHost<T>(Span<T> destination, long sourceByteOffset = 0)
        where T : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        ThrowIfOutside(sourceByteOffset, bytes.Length, nameof(sourceByteOffset));
        if (bytes.IsEmpty)
        {
            return;
        }

        using var memory = new SafeHandleLease(_memory);
        MiHostCopy.ToHost(bytes, memory.Value + (nint)sourceByteOffset, Context.Stream.Handle);
    }

    /// <summary>Copies the whole buffer into <paramref name="destination"/>, asynchronously on this buffer's context stream.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than this buffer, or is this buffer.</exception>
    /// <exception cref="ObjectDisposedException">Either buffer or the context is disposed.</exception>
    public void CopyTo(DeviceBuffer destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (ReferenceEquals(destination, this))
        {
            throw new ArgumentException("source and destination are the same buffer", nameof(destination));
        }

        if (destination.LengthInBytes < LengthInBytes)
        {
            throw new ArgumentException($"destination holds {destination.LengthInBytes} bytes; {LengthInBytes} are needed", nameof(destination));
        }

        ThrowIfUnusable();
        destination.ThrowIfUnusable();
        using var source = new SafeHandleLease(_memory);
        using var target = new SafeHandleLease(destination._memory);
        MiStatus.ThrowIfFailed(MiNative.mi_memcpy_dtod(target.Value, source.Value, LengthInBytes, Context.Stream.Handle));
    }

    /// <summary>Sets every byte to <paramref name="value"/>, asynchronously on the context's stream.</summary>
    /// <exception cref="ObjectDisposedException">The buffer or its context is disposed.</exception>
    public void Fill(byte value)
    {
        ThrowIfUnusable();
        using var memory = new SafeHandleLease(_memory);
        MiStatus.ThrowIfFailed(MiNative.mi_memset(memory.Value, value, LengthInBytes, Context.Stream.Handle));
    }

    /// <summary>Checks, before a launch, that the buffer is alive and on <paramref name="context"/>'s device.</summary>
    /// <param name="context">The context the launch runs on.</param>
    /// <param name="name">The caller's parameter name, for the exception.</param>
    /// <exception cref="ObjectDisposedException">The buffer is disposed.</exception>
    /// <exception cref="ArgumentException">The buffer lives on another device.</exception>
    internal void RequireUsableOn(GpuContext context, string name)
    {
        if (IsDisposed)
        {
            throw new ObjectDisposedException(name, $"the DeviceBuffer behind {name} has been disposed");
        }

        if (Context.Device.Ordinal != context.Device.Ordinal)
        {
            throw new ArgumentException($"{name} lives on device {Context.Device.Ordinal} but the context runs on device {context.Device.Ordinal}", name);
        }
    }

    /// <summary>Frees the device memory. Views over the buffer become unusable.</summary>
    public void Dispose() => _memory.Dispose();

    internal void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        Context.ThrowIfDisposed();
    }

    private void ThrowIfOutside(long byteOffset, int byteCount, string offsetName)
    {
        ThrowIfUnusable();
        ArgumentOutOfRangeException.ThrowIfNegative(byteOffset, offsetName);
        if (byteOffset > LengthInBytes - byteCount)
        {
            throw new ArgumentOutOfRangeException(offsetName, byteOffset, $"{byteCount} bytes from offset {byteOffset} exceed the buffer's {LengthInBytes} bytes");
        }
    }
}

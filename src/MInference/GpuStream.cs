using System.Diagnostics.CodeAnalysis;
using MInference.Interop;

namespace MInference;

/// <summary>
/// A CUDA stream: work enqueued on it runs in order; <see cref="Synchronize"/> waits for all of it.
/// A context's own stream (<see cref="GpuContext.Stream"/>) is disposed with its context; a stream
/// made with the public constructor (for example a <see cref="GpuStreamPriority.Lowest"/> one for
/// background encoding) belongs to the caller, who disposes it.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A CUDA stream, CUDA's own term; not a System.IO.Stream.")]
public sealed class GpuStream : IDisposable
{
    /// <summary>Creates a stream on <paramref name="context"/>'s device, independent of the context's own stream.</summary>
    /// <param name="context">The device.</param>
    /// <param name="priority">Its scheduling priority.</param>
    /// <exception cref="ObjectDisposedException"><paramref name="context"/> is disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="priority"/> is not a defined value.</exception>
    /// <exception cref="CudaException">CUDA failed to create the stream.</exception>
    public GpuStream(GpuContext context, GpuStreamPriority priority = GpuStreamPriority.Default)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.MakeCurrent();
        Handle = CreateHandle(priority);
        DeviceOrdinal = context.Device.Ordinal;
    }

    internal GpuStream(StreamHandle handle, int deviceOrdinal)
    {
        Handle = handle;
        DeviceOrdinal = deviceOrdinal;
    }

    /// <summary>The device the stream belongs to.</summary>
    public int DeviceOrdinal { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Handle.IsClosed;

    internal StreamHandle Handle { get; }

    /// <summary>Blocks until all work enqueued on the stream has finished.</summary>
    /// <exception cref="ObjectDisposedException">The stream is disposed.</exception>
    /// <exception cref="CudaException">Earlier asynchronous work failed.</exception>
    public void Synchronize()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        MiStatus.ThrowIfFailed(MiNative.mi_stream_synchronize(Handle));
    }

    /// <summary>
    /// Makes work enqueued on this stream after the call wait until the work before the last
    /// <see cref="GpuEvent.Record"/> of <paramref name="gpuEvent"/> has finished. The host does not wait;
    /// an event never recorded is already complete.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The stream or the event is disposed.</exception>
    public void WaitFor(GpuEvent gpuEvent)
    {
        ArgumentNullException.ThrowIfNull(gpuEvent);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        ObjectDisposedException.ThrowIf(gpuEvent.IsDisposed, gpuEvent);
        MiStatus.ThrowIfFailed(MiNative.mi_stream_wait_event(Handle, gpuEvent.Handle));
    }

    /// <summary>Checks that a caller's stream (null: none given) is usable with <paramref name="context"/>.</summary>
    /// <exception cref="ObjectDisposedException">The stream is disposed.</exception>
    /// <exception cref="ArgumentException">The stream belongs to another device.</exception>
    internal static void RequireUsableWith(GpuStream? stream, GpuContext context, string name)
    {
        if (stream is null)
        {
            return;
        }

        ObjectDisposedException.ThrowIf(stream.IsDisposed, stream);
        if (stream.DeviceOrdinal != context.Device.Ordinal)
        {
            throw new ArgumentException($"{name} belongs to device {stream.DeviceOrdinal} but the context is on device {context.Device.Ordinal}", name);
        }
    }

    /// <summary>Destroys the stream (if this object owns it); work already enqueued still completes.</summary>
    public void Dispose() => Handle.Dispose();

    /// <summary>A new non-blocking stream on the current device.</summary>
    internal static StreamHandle CreateHandle(GpuStreamPriority priority)
    {
        StreamHandle handle;
        switch (priority)
        {
            case GpuStreamPriority.Default:
                MiStatus.ThrowIfFailed(MiNative.mi_stream_create(out handle));
                break;
            case GpuStreamPriority.Lowest:
            case GpuStreamPriority.Highest:
                MiStatus.ThrowIfFailed(MiNative.mi_stream_priority_range(out int least, out int greatest));
                MiStatus.ThrowIfFailed(MiNative.mi_stream_create_with_priority(priority == GpuStreamPriority.Lowest ? least : greatest, out handle));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(priority), priority, "expected Default, Lowest or Highest");
        }

        return handle;
    }
}

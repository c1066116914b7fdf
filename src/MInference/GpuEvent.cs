using MInference.Interop;

namespace MInference;

/// <summary>
/// A timing-enabled CUDA event: a marker recorded into a stream, used to time GPU work without
/// counting host overhead. Owns the native event; dispose it before its <see cref="GpuContext"/>.
/// </summary>
public sealed class GpuEvent : IDisposable
{
    private readonly GpuContext _context;
    private readonly EventHandle _handle;

    /// <summary>Creates an event on <paramref name="context"/>'s device.</summary>
    /// <exception cref="ObjectDisposedException"><paramref name="context"/> is disposed.</exception>
    public GpuEvent(GpuContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_event_create(out _handle));
        _context = context;
    }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => _handle.IsClosed;

    internal EventHandle Handle => _handle;

    /// <summary>Enqueues the event on <paramref name="stream"/>: it completes when the work before it has.</summary>
    /// <exception cref="ObjectDisposedException">The event or the stream is disposed.</exception>
    public void Record(GpuStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfUnusable();
        ObjectDisposedException.ThrowIf(stream.IsDisposed, stream);
        MiStatus.ThrowIfFailed(MiNative.mi_event_record(_handle, stream.Handle));
    }

    /// <summary>Blocks until the recorded event has completed.</summary>
    /// <exception cref="ObjectDisposedException">The event is disposed.</exception>
    /// <exception cref="CudaException">The event was never recorded, or earlier work failed.</exception>
    public void Synchronize()
    {
        ThrowIfUnusable();
        MiStatus.ThrowIfFailed(MiNative.mi_event_synchronize(_handle));
    }

    /// <summary>GPU time in milliseconds from <paramref name="start"/> to this event; both must be recorded and completed.</summary>
    /// <exception cref="ObjectDisposedException">Either event is disposed.</exception>
    /// <exception cref="CudaException">An event was not recorded or has not completed.</exception>
    public float ElapsedMillisecondsSince(GpuEvent start)
    {
        ArgumentNullException.ThrowIfNull(start);
        ThrowIfUnusable();
        start.ThrowIfUnusable();
        MiStatus.ThrowIfFailed(MiNative.mi_event_elapsed_ms(start._handle, _handle, out float milliseconds));
        return milliseconds;
    }

    /// <summary>Destroys the event.</summary>
    public void Dispose() => _handle.Dispose();

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        _context.ThrowIfDisposed();
    }
}

namespace MInference;

/// <summary>
/// Times GPU work on a context's stream with a pair of <see cref="GpuEvent"/>s:
/// <c>timer.Start(); launch(); float ms = timer.Stop();</c>. Owns its events; dispose it before the context.
/// </summary>
public sealed class GpuTimer : IDisposable
{
    private readonly GpuStream _stream;
    private readonly GpuEvent _start;
    private readonly GpuEvent _stop;

    /// <summary>Creates a timer for work enqueued on <paramref name="context"/>'s stream.</summary>
    /// <exception cref="ObjectDisposedException"><paramref name="context"/> is disposed.</exception>
    public GpuTimer(GpuContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _stream = context.Stream;
        _start = new GpuEvent(context);
        try
        {
            _stop = new GpuEvent(context);
        }
        catch
        {
            _start.Dispose();
            throw;
        }
    }

    /// <summary>Records the start event on the stream.</summary>
    public void Start() => _start.Record(_stream);

    /// <summary>Records the stop event, waits for it and returns the GPU milliseconds since <see cref="Start"/>.</summary>
    /// <exception cref="CudaException"><see cref="Start"/> was not called, or the timed work failed.</exception>
    public float Stop()
    {
        _stop.Record(_stream);
        _stop.Synchronize();
        return _stop.ElapsedMillisecondsSince(_start);
    }

    /// <summary>Destroys both events.</summary>
    public void Dispose()
    {
        _start.Dispose();
        _stop.Dispose();
    }
}

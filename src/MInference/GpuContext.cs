using MInference.Interop;

namespace MInference;

/// <summary>
/// One CUDA device and the stream that GPU work of this API is enqueued on. Create one per device
/// and dispose it last: dispose the <see cref="DeviceBuffer"/>s, <see cref="GpuEvent"/>s and
/// <see cref="GpuTimer"/>s made from it first (they own their resources, and fail with
/// <see cref="ObjectDisposedException"/> once the context is gone). Not thread-safe: use a
/// context from one thread at a time.
/// </summary>
public sealed class GpuContext : IDisposable
{
    /// <summary>Selects <paramref name="deviceOrdinal"/> for the calling thread and creates a stream on it.</summary>
    /// <param name="deviceOrdinal">The device, as listed by <see cref="GpuBackend.Probe"/>.</param>
    /// <exception cref="GpuUnavailableException">No usable GPU backend, or the device is older than sm_80.</exception>
    /// <exception cref="ArgumentOutOfRangeException">There is no device with that ordinal.</exception>
    /// <exception cref="CudaException">CUDA failed to select the device or create the stream.</exception>
    public GpuContext(int deviceOrdinal = 0)
        : this(deviceOrdinal, externalStream: null, GpuStreamPriority.Default)
    {
    }

    /// <summary>
    /// As <see cref="GpuContext(int)"/>, with the context's stream created at <paramref name="streamPriority"/>:
    /// <see cref="GpuStreamPriority.Highest"/> lets this context's work (decode attention) go first while
    /// background work (encoding on a <see cref="GpuStreamPriority.Lowest"/> <see cref="GpuStream"/>) fills the gaps.
    /// </summary>
    /// <param name="deviceOrdinal">The device, as listed by <see cref="GpuBackend.Probe"/>.</param>
    /// <param name="streamPriority">The priority of <see cref="Stream"/>.</param>
    /// <exception cref="GpuUnavailableException">No usable GPU backend, or the device is older than sm_80.</exception>
    /// <exception cref="ArgumentOutOfRangeException">There is no device with that ordinal, or the priority is not a defined value.</exception>
    /// <exception cref="CudaException">CUDA failed to select the device or create the stream.</exception>
    public GpuContext(int deviceOrdinal, GpuStreamPriority streamPriority)
        : this(deviceOrdinal, externalStream: null, streamPriority)
    {
    }

    private GpuContext(int deviceOrdinal, nint? externalStream, GpuStreamPriority streamPriority)
    {
        GpuBackendInfo backend = GpuBackend.Probe();
        Device = backend.Devices.FirstOrDefault(device => device.Ordinal == deviceOrdinal)
            ?? throw (backend.Devices.Count == 0
                ? new GpuUnavailableException(backend.UnavailableReason ?? "no CUDA device")
                : new ArgumentOutOfRangeException(nameof(deviceOrdinal), deviceOrdinal, $"this machine has {backend.Devices.Count} CUDA device(s)"));
        if (!Device.IsSupported)
        {
            throw new GpuUnavailableException($"device {Device.Ordinal} ({Device.Name}) is {Device.Architecture}; the kernels need sm_80 or newer");
        }

        MiStatus.ThrowIfFailed(MiNative.mi_device_set(deviceOrdinal));
        StreamHandle stream = externalStream is { } external ? new StreamHandle(external) : GpuStream.CreateHandle(streamPriority);
        Stream = new GpuStream(stream, deviceOrdinal);
        OwnsStream = externalStream is null;
    }

    /// <summary>
    /// A context on a CUDA stream created elsewhere (a <c>cudaStream_t</c> of PyTorch, TensorRT or
    /// your own code) on <paramref name="deviceOrdinal"/>: this API's work is enqueued on it, in
    /// order with the owner's, and can be captured into the owner's graphs. Disposing the context
    /// leaves the stream alone; the owner keeps it alive while the context is used.
    /// </summary>
    /// <param name="cudaStream">The stream; 0 is the legacy default stream (which cannot be captured).</param>
    /// <param name="deviceOrdinal">The device the stream belongs to.</param>
    /// <exception cref="GpuUnavailableException">No usable GPU backend, or the device is older than sm_80.</exception>
    /// <exception cref="ArgumentOutOfRangeException">There is no device with that ordinal.</exception>
    public static GpuContext ForStream(nint cudaStream, int deviceOrdinal = 0) => new(deviceOrdinal, cudaStream, GpuStreamPriority.Default);

    /// <summary>Whether the context created its stream (and destroys it on dispose), or wraps one created elsewhere.</summary>
    public bool OwnsStream { get; }

    /// <summary>The device this context runs on.</summary>
    public GpuDevice Device { get; }

    /// <summary>The stream that buffers, events and kernels of this context use. Owned by the context.</summary>
    public GpuStream Stream { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Stream.IsDisposed;

    /// <summary>Blocks until all work enqueued on <see cref="Stream"/> has finished.</summary>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    /// <exception cref="CudaException">Earlier asynchronous work failed.</exception>
    public void Synchronize()
    {
        ThrowIfDisposed();
        Stream.Synchronize();
    }

    /// <summary>Destroys the stream. Buffers made from this context keep their memory until disposed.</summary>
    public void Dispose() => Stream.Dispose();

    /// <summary>Makes this context's device current on the calling thread (CUDA's current device is per thread).</summary>
    internal void MakeCurrent()
    {
        ThrowIfDisposed();
        MiStatus.ThrowIfFailed(MiNative.mi_device_set(Device.Ordinal));
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);
}

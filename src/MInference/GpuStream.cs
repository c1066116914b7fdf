using System.Diagnostics.CodeAnalysis;
using MInference.Interop;

namespace MInference;

/// <summary>
/// A CUDA stream owned by a <see cref="GpuContext"/> (see <see cref="GpuContext.Stream"/>). Work
/// enqueued on it runs in order; <see cref="Synchronize"/> waits for all of it. Disposed with its
/// context.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A CUDA stream, CUDA's own term; not a System.IO.Stream.")]
public sealed class GpuStream : IDisposable
{
    internal GpuStream(StreamHandle handle)
    {
        Handle = handle;
    }

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

    /// <summary>Destroys the stream; work already enqueued still completes.</summary>
    public void Dispose() => Handle.Dispose();
}

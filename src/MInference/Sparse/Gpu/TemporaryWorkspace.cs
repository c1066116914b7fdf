using MInference.Interop;

namespace MInference.Sparse.Gpu;

/// <summary>
/// The workspace of one enqueued native call that owns none of its own: allocated for the call
/// and freed on return (the CUDA runtime orders the free after the work on the stream).
/// </summary>
internal static class TemporaryWorkspace
{
    /// <summary>Runs <paramref name="launch"/> (workspace address, bytes) with at least <paramref name="bytes"/> bytes.</summary>
    /// <exception cref="CudaException">The allocation or the call failed.</exception>
    internal static void Run(GpuContext context, long bytes, Func<nint, long, MiStatusCode> launch)
    {
        using var workspace = new DeviceBuffer(context, Math.Max(bytes, 1));
        using var memory = new SafeHandleLease(workspace.Memory);
        MiStatus.ThrowIfFailed(launch(memory.Value, workspace.LengthInBytes));
    }
}

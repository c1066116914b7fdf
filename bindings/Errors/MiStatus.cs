using System.Runtime.CompilerServices;

namespace MInference.Interop;

/// <summary>The one place where an <see cref="MiStatusCode"/> becomes an exception.</summary>
internal static class MiStatus
{
    /// <summary>
    /// Throws the exception matching <paramref name="status"/>, carrying the calling thread's
    /// <c>mi_last_error()</c> message; returns if the status is <see cref="MiStatusCode.Ok"/>.
    /// Must be called on the thread that made the failed call, before any other mi_* call.
    /// </summary>
    /// <exception cref="NativeArgumentException"><see cref="MiStatusCode.InvalidArgument"/>.</exception>
    /// <exception cref="NativeNotSupportedException"><see cref="MiStatusCode.Unsupported"/>.</exception>
    /// <exception cref="GpuUnavailableException"><see cref="MiStatusCode.NoDevice"/> or <see cref="MiStatusCode.UnsupportedDevice"/>.</exception>
    /// <exception cref="DeviceOutOfMemoryException"><see cref="MiStatusCode.OutOfMemory"/>.</exception>
    /// <exception cref="CudaException"><see cref="MiStatusCode.Cuda"/>, <see cref="MiStatusCode.Internal"/> or an unknown status.</exception>
    public static void ThrowIfFailed(MiStatusCode status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != MiStatusCode.Ok)
        {
            throw CreateException(status, call);
        }
    }

    private static Exception CreateException(MiStatusCode status, string call)
    {
        string message = LastErrorMessage();
        if (message.Length == 0)
        {
            message = $"{call} failed with {status} and left no message";
        }

        return status switch
        {
            MiStatusCode.InvalidArgument => new NativeArgumentException(message),
            MiStatusCode.Unsupported => new NativeNotSupportedException(message),
            MiStatusCode.NoDevice or MiStatusCode.UnsupportedDevice => new GpuUnavailableException(message),
            MiStatusCode.OutOfMemory => new DeviceOutOfMemoryException(message),
            MiStatusCode.Cuda => new CudaException(message),
            MiStatusCode.Internal => new CudaException($"internal error in libminference: {message}"),
            _ => new CudaException($"{call} returned unknown status {(int)status}: {message}"),
        };
    }

    private static unsafe string LastErrorMessage() => Utf8Text.FromNullTerminated(MiNative.mi_last_error());
}

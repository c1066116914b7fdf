namespace MInference;

/// <summary>
/// The GPU backend cannot run here: libminference could not be loaded (missing file, missing CUDA
/// runtime, ABI mismatch), there is no CUDA driver or device, or no device is new enough (sm_80+).
/// A missing native library is reported exactly like a missing GPU, with its own reason.
/// </summary>
public sealed class GpuUnavailableException : Exception
{
    private const string Prefix = "GPU backend unavailable: ";

    /// <summary>Creates the exception with an unspecified reason.</summary>
    public GpuUnavailableException()
        : this("reason unknown")
    {
    }

    /// <summary>Creates the exception; the message is "GPU backend unavailable: " + <paramref name="reason"/>.</summary>
    /// <param name="reason">Why, e.g. the native library's message for a missing driver.</param>
    public GpuUnavailableException(string reason)
        : base(Prefix + reason)
    {
        Reason = reason;
    }

    /// <summary>Creates the exception with the exception that revealed the reason.</summary>
    /// <param name="reason">Why the backend is unavailable.</param>
    /// <param name="innerException">The failure that revealed it.</param>
    public GpuUnavailableException(string reason, Exception innerException)
        : base(Prefix + reason, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the backend is unavailable, without the "GPU backend unavailable: " prefix.</summary>
    public string Reason { get; }
}

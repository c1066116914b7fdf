namespace MInference.Interop;

/// <summary>Pins host spans for the blocking host/device copies, so callers need no unsafe code.</summary>
internal static unsafe class MiHostCopy
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="deviceDestination"/>; returns when done.</summary>
    public static void ToDevice(nint deviceDestination, ReadOnlySpan<byte> source, StreamHandle stream)
    {
        fixed (byte* host = source)
        {
            MiStatus.ThrowIfFailed(MiNative.mi_memcpy_htod(deviceDestination, host, source.Length, stream));
        }
    }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="deviceSource"/>; returns when done.</summary>
    public static void ToHost(Span<byte> destination, nint deviceSource, StreamHandle stream)
    {
        fixed (byte* host = destination)
        {
            MiStatus.ThrowIfFailed(MiNative.mi_memcpy_dtoh(host, deviceSource, destination.Length, stream));
        }
    }
}

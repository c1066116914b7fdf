using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>Allocates <paramref name="bytes"/> (&gt; 0) on the current device, 256-byte aligned.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_malloc")]
    internal static partial MiStatusCode mi_malloc(out DeviceMemoryHandle device_ptr, long bytes);

    /// <summary>Frees memory from <see cref="mi_malloc"/>; 0 is a no-op. Called only by <see cref="DeviceMemoryHandle"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_free")]
    internal static partial MiStatusCode mi_free(nint device_ptr);

    /// <summary>Host to device; returns once the copy is done.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_memcpy_htod")]
    internal static partial MiStatusCode mi_memcpy_htod(nint device_dst, void* host_src, long bytes, StreamHandle stream);

    /// <summary>Device to host; returns once the copy is done.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_memcpy_dtoh")]
    internal static partial MiStatusCode mi_memcpy_dtoh(void* host_dst, nint device_src, long bytes, StreamHandle stream);

    /// <summary>Device to device, asynchronous on <paramref name="stream"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_memcpy_dtod")]
    internal static partial MiStatusCode mi_memcpy_dtod(nint device_dst, nint device_src, long bytes, StreamHandle stream);

    /// <summary>Sets <paramref name="bytes"/> bytes to <paramref name="value"/> (0..255), asynchronous on <paramref name="stream"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_memset")]
    internal static partial MiStatusCode mi_memset(nint device_ptr, int value, long bytes, StreamHandle stream);
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>With no driver or no device: <paramref name="count"/> = 0 and <see cref="MiStatusCode.NoDevice"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_device_count")]
    internal static partial MiStatusCode mi_device_count(out int count);

    [LibraryImport(LibraryName, EntryPoint = "mi_device_get_info")]
    internal static partial MiStatusCode mi_device_get_info(int ordinal, out MiDeviceInfo info);

    /// <summary>The attention mainloop the dense kernels take on the device: 80 (sm_80) or 90 (sm_90a).</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_attention_mainloop")]
    internal static partial MiStatusCode mi_attention_mainloop(int ordinal, out int mainloop);

    /// <summary>Makes <paramref name="ordinal"/> the current device of the calling host thread.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_device_set")]
    internal static partial MiStatusCode mi_device_set(int ordinal);

    [LibraryImport(LibraryName, EntryPoint = "mi_device_synchronize")]
    internal static partial MiStatusCode mi_device_synchronize();
}

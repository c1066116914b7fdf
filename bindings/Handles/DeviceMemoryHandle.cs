using Microsoft.Win32.SafeHandles;

namespace MInference.Interop;

/// <summary>Owns a device allocation from <c>mi_malloc</c>; releasing it calls <c>mi_free</c>.</summary>
internal sealed class DeviceMemoryHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Called by the LibraryImport marshaller for <c>out</c> parameters.</summary>
    public DeviceMemoryHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => MiNative.mi_free(handle) == MiStatusCode.Ok;
}

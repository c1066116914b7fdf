using Microsoft.Win32.SafeHandles;

namespace MInference.Interop;

/// <summary>Owns a timing-enabled CUDA event from <c>mi_event_create</c>; releasing it calls <c>mi_event_destroy</c>.</summary>
internal sealed class EventHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Called by the LibraryImport marshaller for <c>out</c> parameters.</summary>
    public EventHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => MiNative.mi_event_destroy(handle) == MiStatusCode.Ok;
}

using Microsoft.Win32.SafeHandles;

namespace MInference.Interop;

/// <summary>Owns a CUDA stream from <c>mi_stream_create</c>; releasing it calls <c>mi_stream_destroy</c>.</summary>
internal sealed class StreamHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Called by the LibraryImport marshaller for <c>out</c> parameters.</summary>
    public StreamHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => MiNative.mi_stream_destroy(handle) == MiStatusCode.Ok;
}

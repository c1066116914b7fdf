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

    /// <summary>Wraps a CUDA stream created elsewhere (a <c>cudaStream_t</c>); it is never destroyed here.</summary>
    /// <param name="stream">The stream; must stay valid while the handle is used.</param>
    internal StreamHandle(nint stream)
        : base(ownsHandle: false) => SetHandle(stream);

    protected override bool ReleaseHandle() => MiNative.mi_stream_destroy(handle) == MiStatusCode.Ok;
}

using Microsoft.Win32.SafeHandles;

namespace MInference.Interop;

/// <summary>Owns an instantiated CUDA graph from <c>mi_stream_end_capture</c>; releasing it calls <c>mi_graph_destroy</c>.</summary>
internal sealed class GraphHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Called by the LibraryImport marshaller for <c>out</c> parameters.</summary>
    public GraphHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => MiNative.mi_graph_destroy(handle) == MiStatusCode.Ok;
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>Starts recording the work enqueued on <paramref name="stream"/> (thread-local capture).</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_stream_begin_capture")]
    internal static partial MiStatusCode mi_stream_begin_capture(StreamHandle stream);

    /// <summary>Whether <paramref name="stream"/> is being captured (1) or not (0).</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_stream_is_capturing")]
    internal static partial MiStatusCode mi_stream_is_capturing(StreamHandle stream, out int capturing);

    /// <summary>Ends the capture on <paramref name="stream"/> and instantiates it.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_stream_end_capture")]
    internal static partial MiStatusCode mi_stream_end_capture(StreamHandle stream, out GraphHandle graph);

    /// <summary>Enqueues one replay of <paramref name="graph"/> on <paramref name="stream"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_graph_launch")]
    internal static partial MiStatusCode mi_graph_launch(GraphHandle graph, StreamHandle stream);

    /// <summary>Destroys an instantiated graph; 0 is a no-op.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_graph_destroy")]
    internal static partial MiStatusCode mi_graph_destroy(nint graph);

    /// <summary>Successful <c>mi_malloc</c> calls since the library was loaded.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_allocation_count")]
    internal static partial long mi_allocation_count();

    /// <summary><c>MI_SPARSE_BLOCK</c>: rows and keys per block of every index-driven pattern.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_sparse_block_size")]
    internal static partial int mi_sparse_block_size();

    /// <summary>Writes up to <paramref name="capacity"/> of the build's head dimensions; returns their count.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_attention_head_dims")]
    internal static partial int mi_attention_head_dims(int* dims, int capacity);

    /// <summary>Bytes per element of a dtype (0 outside the enum).</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_dtype_size")]
    internal static partial int mi_dtype_size(MiDType dtype);
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>Workspace bytes of <see cref="mi_dense_decode"/> for these arguments.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_dense_decode_workspace_size")]
    internal static partial MiStatusCode mi_dense_decode_workspace_size(in MiDenseDecodeArgs args, out long bytes);

    /// <summary>Flash-decoding over a 16-bit KV cache, asynchronous on <paramref name="stream"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_dense_decode")]
    internal static partial MiStatusCode mi_dense_decode(in MiDenseDecodeArgs args, nint workspace, long workspaceBytes, StreamHandle stream);

    /// <summary>Product-quantization encode (nearest centroid per sub-vector), asynchronous on <paramref name="stream"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_pq_encode")]
    internal static partial MiStatusCode mi_pq_encode(in MiPqEncodeArgs args, StreamHandle stream);

    /// <summary>Workspace bytes of <see cref="mi_pq_decode"/> for these arguments.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_pq_decode_workspace_size")]
    internal static partial MiStatusCode mi_pq_decode_workspace_size(in MiPqDecodeArgs args, out long bytes);

    /// <summary>Decode over a product-quantized cache and its 16-bit window, asynchronous on <paramref name="stream"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_pq_decode")]
    internal static partial MiStatusCode mi_pq_decode(in MiPqDecodeArgs args, nint workspace, long workspaceBytes, StreamHandle stream);
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>
    /// O = softmax(scale · Q Kᵀ [+ causal mask]) V, asynchronous on <paramref name="stream"/>. Validates
    /// every argument before launching; on a non-OK status no output has been touched.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_attention_dense_fwd")]
    internal static partial MiStatusCode mi_attention_dense_fwd(in MiDenseAttentionArgs args, StreamHandle stream);
}

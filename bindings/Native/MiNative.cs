using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary>
/// The C ABI of libminference (<c>native/include/minference.h</c>), one <c>LibraryImport</c> per
/// function, each named exactly like its C function. Every function returning
/// <see cref="MiStatusCode"/> must be passed to <see cref="MiStatus.ThrowIfFailed"/>.
/// Device pointers cross as <see cref="nint"/>; host pointers as raw pointers (pinned by the caller).
/// </summary>
internal static unsafe partial class MiNative
{
    /// <summary>The name every declaration binds to; <see cref="MiLibrary.Resolve"/> maps it to a file.</summary>
    internal const string LibraryName = "minference";

    /// <summary><c>MI_ABI_VERSION</c> of the header these declarations mirror.</summary>
    internal const int AbiVersion = 6;

    /// <summary>
    /// <c>MI_SPARSE_BLOCK</c>: rows and keys per block of every index-driven pattern. The C# side
    /// (CPU references, index sizes) is compiled with it; the loader refuses a library whose
    /// <c>mi_sparse_block_size()</c> says otherwise.
    /// </summary>
    internal const int SparseBlockSize = 64;

    /// <summary>
    /// The head dimensions the attention kernels and estimators are compiled for
    /// (<c>MI_HEAD_DIMS</c> in cmake/MInferenceInstantiations.cmake), ascending. The managed
    /// validation is compiled with it; the loader refuses a library whose
    /// <c>mi_attention_head_dims</c> says otherwise.
    /// </summary>
    internal static ReadOnlySpan<int> AttentionHeadDims => [64, 96, 128];

    static MiNative() => NativeLibrary.SetDllImportResolver(typeof(MiNative).Assembly, MiLibrary.Resolve);
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

internal static unsafe partial class MiNative
{
    /// <summary>UTF-8, never null, owned by the library and valid until the next mi_* call on this thread.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_last_error")]
    internal static partial byte* mi_last_error();

    [LibraryImport(LibraryName, EntryPoint = "mi_abi_version")]
    internal static partial int mi_abi_version();

    /// <summary>UTF-8 in static storage, e.g. "0.1.0".</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_version")]
    internal static partial byte* mi_version();

    /// <summary>UTF-8 in static storage, e.g. "sm_80;sm_90a".</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_compiled_archs")]
    internal static partial byte* mi_compiled_archs();

    /// <summary>major * 1000 + minor * 10, e.g. 13000.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mi_cuda_compile_version")]
    internal static partial int mi_cuda_compile_version();
}

using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary>
/// Finds libminference: the file named by <see cref="OverrideVariable"/>, the file next to the
/// application, the file in each directory the host probes for native libraries (where a NuGet
/// package's runtimes/&lt;rid&gt;/native/ assets are), then the operating system's default search
/// (LD_LIBRARY_PATH, system paths). Every
/// attempt is recorded for the failure message, and a library whose <c>mi_abi_version()</c> differs
/// from <see cref="MiNative.AbiVersion"/> is refused.
/// </summary>
internal static unsafe class NativeLibraryLoader
{
    /// <summary>Environment variable holding the full path of the library to try first.</summary>
    public const string OverrideVariable = "MINFERENCE_NATIVE_LIBRARY";

    /// <summary>The library's file name on this operating system.</summary>
    public static string FileName { get; } =
        OperatingSystem.IsWindows() ? "minference.dll"
        : OperatingSystem.IsMacOS() ? "libminference.dylib"
        : "libminference.so";

    /// <summary>
    /// The runtime property holding the directories the host probes for native libraries, separated
    /// by <see cref="Path.PathSeparator"/>. An application that gets libminference from the MInference
    /// NuGet package finds it there: a portable build keeps it in runtimes/&lt;rid&gt;/native/ below the
    /// application, which the host lists from the deps.json, and <see cref="NativeLibrary.Load(string)"/>
    /// (a plain dlopen) does not search.
    /// </summary>
    public const string NativeSearchDirectoriesProperty = "NATIVE_DLL_SEARCH_DIRECTORIES";

    /// <summary>The places to look, in order.</summary>
    /// <param name="overridePath">Value of <see cref="OverrideVariable"/>, or null/empty when unset.</param>
    /// <param name="applicationDirectory">Directory of the application, normally <see cref="AppContext.BaseDirectory"/>.</param>
    /// <param name="nativeSearchDirectories">Value of <see cref="NativeSearchDirectoriesProperty"/>, or null when the host set none.</param>
    public static LibraryCandidate[] StandardCandidates(string? overridePath, string applicationDirectory, string? nativeSearchDirectories = null)
    {
        var candidates = new List<LibraryCandidate>();
        if (!string.IsNullOrEmpty(overridePath))
        {
            candidates.Add(new($"{OverrideVariable}={overridePath}", overridePath, IsFile: true));
        }

        // The host lists the application directory too; each directory is tried once.
        var directories = new List<string> { applicationDirectory };
        foreach (string directory in (nativeSearchDirectories ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!directories.Any(known => SameDirectory(known, directory)))
            {
                directories.Add(directory);
            }
        }

        foreach (string directory in directories)
        {
            string path = Path.Combine(directory, FileName);
            candidates.Add(new(path, path, IsFile: true));
        }

        candidates.Add(new("default search", FileName, IsFile: false));
        return [.. candidates];
    }

    private static bool SameDirectory(string first, string second) => string.Equals(
        Path.TrimEndingDirectorySeparator(first),
        Path.TrimEndingDirectorySeparator(second),
        OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>Loads the first candidate that can be loaded and checks its ABI version; never throws.</summary>
    public static NativeLibraryLoadResult Load(IEnumerable<LibraryCandidate> candidates)
    {
        var attempts = new List<string>();
        foreach (LibraryCandidate candidate in candidates)
        {
            if (TryLoad(candidate, attempts, out nint handle))
            {
                return CheckAbiVersion(handle, candidate.PathOrName);
            }
        }

        return NativeLibraryLoadResult.Failed(
            $"native library {FileName} not found (tried: {string.Join("; ", attempts)}); set {OverrideVariable} to its full path");
    }

    private static bool TryLoad(LibraryCandidate candidate, List<string> attempts, out nint handle)
    {
        handle = 0;
        if (candidate.IsFile && !File.Exists(candidate.PathOrName))
        {
            attempts.Add($"{candidate.Description}: no such file");
            return false;
        }

        try
        {
            handle = NativeLibrary.Load(candidate.PathOrName);
            return true;
        }
        catch (DllNotFoundException e)
        {
            attempts.Add($"{candidate.Description}: {WithoutRuntimeAdvice(e.Message)}");
        }
        catch (BadImageFormatException e)
        {
            attempts.Add($"{candidate.Description}: {e.Message}");
        }

        return false;
    }

    /// <summary>
    /// The runtime wraps the loader's own error (dlerror) in advice about strace and LD_DEBUG; keep
    /// only the loader's error, which names the missing file or dependency.
    /// </summary>
    private static string WithoutRuntimeAdvice(string message)
    {
        const string Marker = "environment variable: ";
        int start = message.LastIndexOf(Marker, StringComparison.Ordinal);
        return (start < 0 ? message : message[(start + Marker.Length)..]).Trim();
    }

    private static NativeLibraryLoadResult CheckAbiVersion(nint handle, string path)
    {
        if (!NativeLibrary.TryGetExport(handle, "mi_abi_version", out nint abiVersionExport))
        {
            NativeLibrary.Free(handle);
            return NativeLibraryLoadResult.Failed($"{path} is not libminference: it exports no mi_abi_version");
        }

        int abiVersion = ((delegate* unmanaged<int>)abiVersionExport)();
        if (abiVersion != MiNative.AbiVersion)
        {
            NativeLibrary.Free(handle);
            return NativeLibraryLoadResult.Failed(
                $"ABI version mismatch: {path} implements ABI {abiVersion}, these bindings need ABI {MiNative.AbiVersion}; " +
                "rebuild native/ and the .NET projects from the same commit");
        }

        if (!NativeLibrary.TryGetExport(handle, "mi_sparse_block_size", out nint blockSizeExport)
            || ((delegate* unmanaged<int>)blockSizeExport)() is var blockSize && blockSize != MiNative.SparseBlockSize)
        {
            NativeLibrary.Free(handle);
            return NativeLibraryLoadResult.Failed(
                $"{path} splits sparse indices into blocks other than {MiNative.SparseBlockSize} tokens (mi_sparse_block_size); " +
                "rebuild native/ and the .NET projects from the same commit");
        }

        if (!HasHeadDims(handle, MiNative.AttentionHeadDims))
        {
            NativeLibrary.Free(handle);
            return NativeLibraryLoadResult.Failed(
                $"{path} is compiled for other head dimensions than {string.Join(", ", MiNative.AttentionHeadDims.ToArray())} (mi_attention_head_dims); " +
                "rebuild native/ and the .NET projects from the same commit");
        }

        return NativeLibraryLoadResult.Loaded(handle, path);
    }

    /// <summary>Whether the library's <c>mi_attention_head_dims</c> lists exactly <paramref name="expected"/>.</summary>
    private static bool HasHeadDims(nint handle, ReadOnlySpan<int> expected)
    {
        if (!NativeLibrary.TryGetExport(handle, "mi_attention_head_dims", out nint export))
        {
            return false;
        }

        var headDims = (delegate* unmanaged<int*, int, int>)export;
        Span<int> actual = stackalloc int[16];
        fixed (int* dims = actual)
        {
            int count = headDims(dims, actual.Length);
            return count == expected.Length && actual[..count].SequenceEqual(expected);
        }
    }
}

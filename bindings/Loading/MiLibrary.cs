using System.Reflection;
using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary>The process-wide libminference, loaded once on first use.</summary>
internal static class MiLibrary
{
    private static readonly Lazy<NativeLibraryLoadResult> s_load = new(() => NativeLibraryLoader.Load(
        NativeLibraryLoader.StandardCandidates(
            Environment.GetEnvironmentVariable(NativeLibraryLoader.OverrideVariable),
            AppContext.BaseDirectory,
            AppContext.GetData(NativeLibraryLoader.NativeSearchDirectoriesProperty) as string)));

    /// <summary>Loads the library on first access; never throws.</summary>
    public static NativeLibraryLoadResult LoadResult => s_load.Value;

    /// <summary>Throws <see cref="GpuUnavailableException"/> (with the load trace) unless the library is usable.</summary>
    public static void ThrowIfUnavailable()
    {
        NativeLibraryLoadResult result = LoadResult;
        if (!result.IsLoaded)
        {
            throw new GpuUnavailableException(result.FailureReason!);
        }
    }

    /// <summary>
    /// The assembly's <see cref="DllImportResolver"/>: binds <see cref="MiNative.LibraryName"/> to the
    /// library <see cref="LoadResult"/> found. When there is none it throws rather than returning 0,
    /// so the runtime cannot fall back to its own probing and bypass the ABI check.
    /// </summary>
    public static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != MiNative.LibraryName)
        {
            return 0;
        }

        ThrowIfUnavailable();
        return LoadResult.Handle;
    }
}

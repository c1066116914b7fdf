namespace MInference.Interop;

/// <summary>Outcome of locating and loading libminference.</summary>
/// <param name="Handle">The OS handle, or 0 when loading failed.</param>
/// <param name="Path">Where the library was loaded from, when it was.</param>
/// <param name="FailureReason">Why it could not be used, when it could not.</param>
internal sealed record NativeLibraryLoadResult(nint Handle, string? Path, string? FailureReason)
{
    public bool IsLoaded => Handle != 0;

    public static NativeLibraryLoadResult Loaded(nint handle, string path) => new(handle, path, null);

    public static NativeLibraryLoadResult Failed(string reason) => new(0, null, reason);
}

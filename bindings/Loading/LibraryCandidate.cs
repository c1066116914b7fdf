namespace MInference.Interop;

/// <summary>One place <see cref="NativeLibraryLoader"/> looks for libminference.</summary>
/// <param name="Description">How the attempt is named in the failure message.</param>
/// <param name="PathOrName">A file path, or a bare file name for the operating system's default search.</param>
/// <param name="IsFile">True for a path checked for existence first; false for the default search.</param>
internal readonly record struct LibraryCandidate(string Description, string PathOrName, bool IsFile);

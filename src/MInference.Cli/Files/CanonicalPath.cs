namespace MInference.Cli.Files;

/// <summary>
/// A path with every symbolic link along it resolved (like realpath(3), without native calls), so
/// two spellings of one file compare equal. Components that do not exist yet are kept as written.
/// Hard links are not detected: .NET exposes no inode number; the writers replace the target by
/// renaming a new file over it, which leaves another hard link's content untouched.
/// </summary>
internal static class CanonicalPath
{
    // Deeper chains are loops or pathological; the kernel stops at 40 (ELOOP) too.
    private const int MaxLinkDepth = 40;

    /// <summary>The path, absolute, with links resolved and "." and ".." applied after resolving (as the kernel does).</summary>
    public static string Of(string path) =>
        Resolve(Path.IsPathRooted(path) ? path : Path.Combine(Environment.CurrentDirectory, path), MaxLinkDepth);

    /// <summary>Whether two paths name the same file (case-insensitively where the file system usually is).</summary>
    public static bool SameFile(string first, string second) => string.Equals(
        Of(first), Of(second), OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static string Resolve(string absolutePath, int depthLeft)
    {
        // Not Path.GetFullPath first: it applies ".." to the text, and "link/.." is the link target's parent.
        string current = Path.GetPathRoot(absolutePath) ?? string.Empty;
        string[] components = absolutePath[current.Length..].Split(
            [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        foreach (string component in components)
        {
            if (component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            current = Path.Combine(current, component);
            if (depthLeft > 0 && new FileInfo(current).LinkTarget is { } target)
            {
                // A relative target is relative to the link's folder, which is resolved already.
                current = Resolve(Path.IsPathRooted(target) ? target : Path.Combine(Path.GetDirectoryName(current)!, target), depthLeft - 1);
            }
        }

        return current;
    }
}

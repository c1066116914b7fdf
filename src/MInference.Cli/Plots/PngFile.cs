namespace MInference.Cli.Plots;

/// <summary>Writes a PNG so that readers see either the old file or the whole new one, never a part.</summary>
internal static class PngFile
{
    /// <summary>
    /// Writes <paramref name="png"/> to a temporary file beside <paramref name="path"/>, then moves it over
    /// <paramref name="path"/> (replacing any file there). The temporary file is deleted if anything fails.
    /// </summary>
    /// <returns>The full path written.</returns>
    public static string WriteAtomically(string path, ReadOnlySpan<byte> png)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' names a root directory, not a file.", nameof(path));
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(png);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
            return fullPath;
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Rejects a null, empty or blank output path.</summary>
    public static void RequirePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("The PNG path is empty.", nameof(path));
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original failure is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

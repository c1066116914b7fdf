namespace MInference.Cli.Files;

/// <summary>
/// Checks of the files a command reads and writes, run before any work, so a bad path fails in
/// a second with the option's name instead of after minutes of computation (or, for an output
/// equal to an input, by replacing the input).
/// </summary>
internal static class PathChecks
{
    /// <summary>An input file: it must exist and not be a directory.</summary>
    /// <exception cref="ArgumentException">It does not exist or is a directory.</exception>
    public static void RequireInputFile(string optionName, string path)
    {
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"{optionName} {path} is a directory; expected a file");
        }

        if (!File.Exists(path))
        {
            throw new ArgumentException($"{optionName} {path} does not exist");
        }
    }

    /// <summary>
    /// An output file: not a directory, not one of <paramref name="inputs"/>, in a folder that exists
    /// and can be written (probed by creating and deleting a file there).
    /// </summary>
    /// <param name="optionName">The output's option, for the message.</param>
    /// <param name="path">The output file.</param>
    /// <param name="inputs">The command's input files (option name, path); null paths are skipped.</param>
    /// <exception cref="ArgumentException">One of the above does not hold.</exception>
    public static void RequireOutputFile(string optionName, string path, params (string OptionName, string? Path)[] inputs)
    {
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"{optionName} {path} is a directory; expected a file to write");
        }

        foreach ((string inputOption, string? inputPath) in inputs)
        {
            if (inputPath is not null && CanonicalPath.SameFile(path, inputPath))
            {
                throw new ArgumentException($"{optionName} {path} is the same file as {inputOption} {inputPath}; writing it would replace the input");
            }
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Path.GetFullPath(path);
        if (!Directory.Exists(folder))
        {
            throw new ArgumentException($"{optionName} {path}: the folder {folder} does not exist");
        }

        RequireWritableFolder(optionName, path, folder);
    }

    /// <summary>
    /// An output directory: if it exists, a writable directory; if not, its nearest existing
    /// ancestor must be a writable directory (it is created later, when there is something to write).
    /// </summary>
    /// <exception cref="ArgumentException">It is a file, or the directory (or ancestor) cannot be written.</exception>
    public static void RequireOutputDirectory(string optionName, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"{optionName} is empty; expected a directory");
        }

        string existing = Path.GetFullPath(path);
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                throw new ArgumentException($"{optionName} {path}: {existing} is a file; expected a directory");
            }

            existing = Path.GetDirectoryName(existing) ?? throw new ArgumentException($"{optionName} {path}: no part of the path exists");
        }

        RequireWritableFolder(optionName, path, existing);
    }

    private static void RequireWritableFolder(string optionName, string path, string folder)
    {
        // Permission bits do not tell (ACLs, read-only mounts, quotas): trying is the only sure test.
        string probe = Path.Combine(folder, $".minference-write-probe-{Guid.NewGuid():N}");
        try
        {
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{optionName} {path}: cannot write in {folder} ({e.Message})");
        }
    }
}

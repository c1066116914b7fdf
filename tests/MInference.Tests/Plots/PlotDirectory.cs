namespace MInference.Tests.Plots;

/// <summary>A fresh directory under the temp directory, deleted with what is in it on dispose.</summary>
internal sealed class PlotDirectory : IDisposable
{
    public PlotDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"minference-plots-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Every file left in the directory (for checking that no temporary file was left behind).</summary>
    public string[] FileNames() => [.. Directory.EnumerateFileSystemEntries(Path).Select(System.IO.Path.GetFileName).Order()!];

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

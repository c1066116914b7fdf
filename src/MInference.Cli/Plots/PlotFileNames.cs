using System.Globalization;

namespace MInference.Cli.Plots;

/// <summary>The names of the PNG files the plots are written to, and the directory they go in.</summary>
internal static class PlotFileNames
{
    /// <summary>File name of the demo's speedup <see cref="LineChart"/>.</summary>
    public const string SpeedupFileName = "speedup-vs-length.png";

    /// <summary>File name of `decode --plot`'s <see cref="LineChart"/>: time per decode step against context length.</summary>
    public const string DecodeTimeFileName = "decode-time-vs-context.png";

    /// <summary>File name of one head's <see cref="PatternPlot"/>: <c>layer02-head05.png</c>.</summary>
    public static string ForHead(int layer, int head)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfNegative(head);
        return string.Create(CultureInfo.InvariantCulture, $"layer{layer:D2}-head{head:D2}.png");
    }

    /// <summary>File name of a permuted head's three-panel picture from `video`: <c>video-head00-grid.png</c>.</summary>
    public static string ForVideoHead(int head, string pattern)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(head);
        return string.Create(CultureInfo.InvariantCulture, $"video-head{head:D2}-{pattern}.png");
    }

    /// <summary>Creates <paramref name="directory"/> (and its parents) if needed and returns its full path.</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="IOException">A file, not a directory, has that path.</exception>
    public static string PrepareDirectory(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new ArgumentException("The plot directory is empty.", nameof(directory));
        }
        string fullPath = Path.GetFullPath(directory);
        if (File.Exists(fullPath))
        {
            throw new IOException($"Cannot write plots into '{fullPath}': it is a file, not a directory.");
        }
        Directory.CreateDirectory(fullPath);
        return fullPath;
    }
}

using System.IO.Compression;

namespace MInference.Cli.Plots;

/// <summary>
/// The font files the plots draw their text with, embedded in the program (Plots/Fonts/, see the csproj), so that
/// PNGs show their titles and labels the same on every machine, with or without fonts installed.
/// </summary>
/// <remarks>
/// DejaVu Sans 2.37 (Book and Bold), cut down to the characters plots use, each file gzipped. How the subset was
/// made and the fonts' license (Bitstream Vera; DejaVu changes are in the public domain) are in
/// Plots/Fonts/LICENSE-DejaVu.txt; the fonts' own name tables, with that copyright and license text, are kept whole.
/// </remarks>
internal static class EmbeddedFontFiles
{
    /// <summary>DejaVu Sans Book (subset), gzipped TrueType. The name is the csproj's LogicalName.</summary>
    public const string RegularResourceName = "MInference.Cli.Plots.Fonts.DejaVuSans.ttf.gz";

    /// <summary>DejaVu Sans Bold (subset), gzipped TrueType. The name is the csproj's LogicalName.</summary>
    public const string BoldResourceName = "MInference.Cli.Plots.Fonts.DejaVuSans-Bold.ttf.gz";

    /// <summary>The TrueType bytes of one of the embedded fonts (<see cref="RegularResourceName"/> or <see cref="BoldResourceName"/>), gunzipped.</summary>
    public static byte[] ReadTrueType(string resourceName)
    {
        // A missing resource is a build mistake (the csproj lost its EmbeddedResource), not a user error.
        using Stream compressed = typeof(EmbeddedFontFiles).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The program has no embedded resource '{resourceName}' (a plot font).");
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        using var ttf = new MemoryStream();
        gzip.CopyTo(ttf);
        return ttf.ToArray();
    }
}

using MInference.Cli.Plots.Rendering;

namespace MInference.Cli.Plots;

/// <summary>
/// The fonts every plot draws its text with: DejaVu Sans from <see cref="EmbeddedFontFiles"/>, so text renders
/// the same on every machine, with or without fonts installed.
/// </summary>
internal static class PlotFont
{
    /// <summary>The family the embedded fonts name themselves.</summary>
    public const string FamilyName = "DejaVu Sans";

    private static readonly Lazy<TextRenderer> LazyRegular = new(() => Load(EmbeddedFontFiles.RegularResourceName));
    private static readonly Lazy<TextRenderer> LazyBold = new(() => Load(EmbeddedFontFiles.BoldResourceName));

    /// <summary>DejaVu Sans Book, with its glyph cache; one instance for the process.</summary>
    public static TextRenderer Regular => LazyRegular.Value;

    /// <summary>DejaVu Sans Bold, with its glyph cache; one instance for the process.</summary>
    public static TextRenderer Bold => LazyBold.Value;

    private static TextRenderer Load(string resourceName) => new(new TrueTypeFont(EmbeddedFontFiles.ReadTrueType(resourceName)));
}

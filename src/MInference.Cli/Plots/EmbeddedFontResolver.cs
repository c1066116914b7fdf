using ScottPlot;
using SkiaSharp;

namespace MInference.Cli.Plots;

/// <summary>Resolves <see cref="PlotFont.FamilyName"/> to the embedded typefaces; other names go to ScottPlot's next resolver.</summary>
internal sealed class EmbeddedFontResolver : IFontResolver
{
    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        Matches(fontName) ? (weight >= FontWeight.SemiBold ? PlotFont.Bold : PlotFont.Regular) : null;

    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
        Matches(fontName) ? (bold ? PlotFont.Bold : PlotFont.Regular) : null;

    private static bool Matches(string fontName) => string.Equals(fontName, PlotFont.FamilyName, StringComparison.OrdinalIgnoreCase);
}

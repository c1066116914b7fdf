using SkiaSharp;

namespace MInference.Cli.Plots;

/// <summary>
/// The typefaces every plot draws its text with: DejaVu Sans from <see cref="EmbeddedFontFiles"/>, so text renders
/// the same on every machine, with or without fonts installed.
/// </summary>
internal static class PlotFont
{
    /// <summary>The family name plots ask ScottPlot for (ScottPlot resolves it through <see cref="EmbeddedFontResolver"/>).</summary>
    public const string FamilyName = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> LazyRegular = new(() => Load(EmbeddedFontFiles.RegularResourceName));
    private static readonly Lazy<SKTypeface> LazyBold = new(() => Load(EmbeddedFontFiles.BoldResourceName));
    private static readonly Lock RegistrationLock = new();
    private static bool registered;

    /// <summary>DejaVu Sans Book. The one instance lives as long as the process; do not dispose it.</summary>
    public static SKTypeface Regular => LazyRegular.Value;

    /// <summary>DejaVu Sans Bold. The one instance lives as long as the process; do not dispose it.</summary>
    public static SKTypeface Bold => LazyBold.Value;

    /// <summary>
    /// Makes ScottPlot resolve <see cref="FamilyName"/> to the embedded typefaces and use that family by default.
    /// ScottPlot's font settings are process-wide; this runs once, before the first plot is made.
    /// </summary>
    public static void EnsureRegistered()
    {
        lock (RegistrationLock)
        {
            if (registered)
            {
                return;
            }
            ScottPlot.Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());
            ScottPlot.Fonts.Default = FamilyName;
            ScottPlot.Fonts.Sans = FamilyName;
            registered = true;
        }
    }

    private static SKTypeface Load(string resourceName)
    {
        using SKData data = SKData.CreateCopy(EmbeddedFontFiles.ReadTrueType(resourceName));
        return SKTypeface.FromData(data)
            ?? throw new InvalidOperationException("SkiaSharp could not load the plots' embedded font (DejaVu Sans).");
    }
}

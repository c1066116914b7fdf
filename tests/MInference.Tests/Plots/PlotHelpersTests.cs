using MInference.Cli.Plots;
using SkiaSharp;

namespace MInference.Tests.Plots;

public sealed class PlotHelpersTests
{
    [Test]
    public void TokenCountsAreLabelledShortly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TokenTicks.Format(0), Is.EqualTo("0"));
            Assert.That(TokenTicks.Format(512), Is.EqualTo("512"));
            Assert.That(TokenTicks.Format(1536), Is.EqualTo("1.5K"));
            Assert.That(TokenTicks.Format(4096), Is.EqualTo("4K"));
            Assert.That(TokenTicks.Format(131072), Is.EqualTo("128K"));
            Assert.That(TokenTicks.Format(1 << 20), Is.EqualTo("1M"));
            Assert.That(TokenTicks.Format(100_000), Is.EqualTo("100,000"));
        });
    }

    [Test]
    public void TokenTicksSplitTheSequenceInPowersOfTwo()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TokenTicks.Positions(131072), Is.EqualTo(new long[] { 0, 32768, 65536, 98304, 131072 }));
            Assert.That(TokenTicks.Positions(100_000), Is.EqualTo(new long[] { 0, 16384, 32768, 49152, 65536, 81920, 98304 }));
            Assert.That(TokenTicks.Positions(1), Is.EqualTo(new long[] { 0, 1 }));
            Assert.That(() => TokenTicks.Positions(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void LogColorScaleFloorsSixDecadesBelowTheLargestCell()
    {
        (double[,] values, double bottom, double top) = LogColorScale.Apply(new double[,] { { 0.1, double.NaN }, { 0, 1e-12 } });
        Assert.Multiple(() =>
        {
            Assert.That(top, Is.EqualTo(-1).Within(1e-12));
            Assert.That(bottom, Is.EqualTo(-7).Within(1e-12));
            Assert.That(values[0, 0], Is.EqualTo(-1).Within(1e-12));
            Assert.That(values[0, 1], Is.NaN);
            Assert.That(values[1, 0], Is.EqualTo(-7).Within(1e-12), "zero gets the floor");
            Assert.That(values[1, 1], Is.EqualTo(-7).Within(1e-12), "below the floor gets the floor");
            Assert.That(LogColorScale.PowerOfTen(-3), Is.EqualTo("10⁻³"));
            Assert.That(LogColorScale.PowerOfTen(0), Is.EqualTo("10⁰"));
            Assert.That(LogColorScale.PowerOfTen(12), Is.EqualTo("10¹²"));
        });
    }

    [Test]
    public void TheEmbeddedFontHasTheGlyphsThePlotsUse()
    {
        const string Text = "layer 2 · head 5 · N = 131072 · 4.2 % · 10⁻⁶ × µ – ≥ ≤ ∞ → 128K";
        using var regular = new SKFont(PlotFont.Regular);
        using var bold = new SKFont(PlotFont.Bold);
        Assert.Multiple(() =>
        {
            Assert.That(PlotFont.Regular.FamilyName, Is.EqualTo(PlotFont.FamilyName));
            Assert.That(PlotFont.Bold.FontStyle.Weight, Is.GreaterThanOrEqualTo((int)SKFontStyleWeight.Bold));
            Assert.That(regular.ContainsGlyphs(Text), Is.True, "regular");
            Assert.That(bold.ContainsGlyphs(Text), Is.True, "bold");
        });
    }

    [Test]
    public void ScottPlotResolvesThePlotFamilyToTheEmbeddedFont()
    {
        PlotFont.EnsureRegistered();
        PlotFont.EnsureRegistered();
        var resolver = new EmbeddedFontResolver();
        Assert.Multiple(() =>
        {
            Assert.That(ScottPlot.Fonts.Default, Is.EqualTo(PlotFont.FamilyName));
            Assert.That(ScottPlot.Fonts.FontResolvers.OfType<EmbeddedFontResolver>().Count(), Is.EqualTo(1), "registered once");
            Assert.That(resolver.CreateTypeface(PlotFont.FamilyName, ScottPlot.FontWeight.Bold, ScottPlot.FontSlant.Upright, ScottPlot.FontSpacing.Normal),
                Is.SameAs(PlotFont.Bold));
            Assert.That(resolver.CreateTypeface(PlotFont.FamilyName, bold: false, italic: false), Is.SameAs(PlotFont.Regular));
            Assert.That(resolver.CreateTypeface("Some Other Font", bold: false, italic: false), Is.Null, "other names fall through");
            Assert.That(ScottPlot.Fonts.GetTypeface(PlotFont.FamilyName, bold: true, italic: false).GlyphCount, Is.EqualTo(PlotFont.Bold.GlyphCount));
        });
    }

    [Test]
    public void AFailedWriteLeavesNoTemporaryFile()
    {
        using var directory = new PlotDirectory();
        // A directory where the PNG should go: the final move fails.
        Directory.CreateDirectory(directory.File("taken.png"));
        Assert.That(() => PngFile.WriteAtomically(directory.File("taken.png"), [1, 2, 3]), Throws.InstanceOf<IOException>().Or.InstanceOf<UnauthorizedAccessException>());
        Assert.That(directory.FileNames(), Is.EqualTo(new[] { "taken.png" }));
    }
}

using System.Text;
using MInference.Cli.Plots;
using MInference.Cli.Plots.Rendering;

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
        Assert.Multiple(() =>
        {
            Assert.That(PlotFont.Regular.Font.FamilyName, Is.EqualTo(PlotFont.FamilyName));
            Assert.That(PlotFont.Bold.Font.WeightClass, Is.GreaterThanOrEqualTo(700));
            foreach (Rune rune in Text.EnumerateRunes())
            {
                Assert.That(PlotFont.Regular.Font.HasGlyph(rune.Value), Is.True, $"regular '{rune}'");
                Assert.That(PlotFont.Bold.Font.HasGlyph(rune.Value), Is.True, $"bold '{rune}'");
            }
            TextRenderer first = PlotFont.Regular;
            Assert.That(PlotFont.Regular, Is.SameAs(first), "one instance (and glyph cache) per process");
        });
    }

    [Test]
    public void TheColorScalesRunFromDarkToBrightAndFromGrayToDarkBlue()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Colormap.Viridis.At(0), Is.EqualTo(Rgba.FromHex("#440154")));
            Assert.That(Colormap.Viridis.At(1), Is.EqualTo(Rgba.FromHex("#FDE725")));
            Assert.That(Colormap.Viridis.At(-5), Is.EqualTo(Colormap.Viridis.At(0)), "clamped");
            Assert.That(Colormap.KeptBlues.At(0), Is.EqualTo(Rgba.FromHex("#E6E6E6")));
            Assert.That(Colormap.KeptBlues.At(0.5), Is.EqualTo(Rgba.FromHex("#6BAED6")));
            Assert.That(Colormap.KeptBlues.At(1), Is.EqualTo(Rgba.FromHex("#08306B")));
            Assert.That(LogColorScale.Ticks(-6.5, -0.5).Select(tick => tick.Label), Is.EqualTo(new[] { "10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹" }));
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

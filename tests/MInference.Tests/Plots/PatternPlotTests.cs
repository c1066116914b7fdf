using MInference.Cli.Plots;
using MInference.Cli.Plots.Rendering;

namespace MInference.Tests.Plots;

public sealed class PatternPlotTests
{
    [Test]
    public void WritesOnePngOfTheStatedSize()
    {
        using var directory = new PlotDirectory();
        string path = directory.File("layer02-head05.png");
        PatternPlot.WriteHeatmapPair(path, PatternPlotCases.VerticalSlash(64, 131072));
        PngImage.AssertPng(path, PatternPlot.Width, PatternPlot.Height, minimumBytes: 20_000);
        Assert.That(directory.FileNames(), Is.EqualTo(new[] { "layer02-head05.png" }), "no temporary file is left behind");
        RgbaImage image = PngImage.Decode(File.ReadAllBytes(path));
        Assert.Multiple(() =>
        {
            Assert.That(DarkPixels(image, 300, 10, 1100, 40), Is.GreaterThan(500), "the title is drawn in the band above the panels");
            Assert.That(DarkPixels(image, 300, 44, 1100, 66), Is.GreaterThan(200), "the subtitle under it");
            Assert.That(DarkPixels(image, 0, 0, 300, 76), Is.Zero, "nothing else in the header's left corner");
            PixelRect matrix = PatternPlot.MatrixArea(0);
            Assert.That(DarkPixels(image, (int)matrix.Left, (int)matrix.Bottom + 10, (int)matrix.Right, (int)matrix.Bottom + 50), Is.GreaterThan(300),
                "tick labels and the axis label under the matrix");
        });
    }

    /// <summary>Pixels darker than mid gray in x0 ≤ x &lt; x1, y0 ≤ y &lt; y1.</summary>
    internal static int DarkPixels(RgbaImage image, int x0, int y0, int x1, int y1)
    {
        int count = 0;
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                Rgba color = image[x, y];
                count += color.R + color.G + color.B < 3 * 128 ? 1 : 0;
            }
        }
        return count;
    }

    [Test]
    public void Renders256By256Bins()
    {
        using var directory = new PlotDirectory();
        string path = directory.File("big.png");
        PatternPlot.WriteHeatmapPair(path, PatternPlotCases.VerticalSlash(256, 131072));
        PngImage.AssertPng(path, PatternPlot.Width, PatternPlot.Height, minimumBytes: 20_000);
        PixelRect matrix = PatternPlot.MatrixArea(0);
        Assert.Multiple(() =>
        {
            Assert.That(PngImage.IsWhite(PngImage.PixelAt(path, matrix.Left + 0.1f * matrix.Width, matrix.Top + 0.9f * matrix.Height)), Is.False,
                "below the diagonal is drawn");
            Assert.That(PngImage.IsWhite(PngImage.PixelAt(path, matrix.Left + 0.9f * matrix.Width, matrix.Top + 0.1f * matrix.Height)), Is.True,
                "above the diagonal (NaN) is blank");
        });
    }

    [Test]
    public void QueryZeroIsAtTheTopLeftAndNaNCellsAreBlank()
    {
        // 2×2 bins: [0, 0] bright, [0, 1] NaN (above the diagonal), the bottom row faint.
        var data = new PatternPlotData("orientation", "query 0 top left", 2048,
            new double[,] { { 1, double.NaN }, { 1e-9, 1e-9 } },
            new double[,] { { 1, double.NaN }, { 0, 0 } });
        using var directory = new PlotDirectory();
        string path = directory.File("orientation.png");
        PatternPlot.WriteHeatmapPair(path, data);

        Rgba Quadrant(int panel, float x, float y)
        {
            PixelRect matrix = PatternPlot.MatrixArea(panel);
            return PngImage.PixelAt(path, matrix.Left + x * matrix.Width, matrix.Top + y * matrix.Height);
        }
        Rgba attentionTopLeft = Quadrant(0, 0.25f, 0.25f), attentionBottomLeft = Quadrant(0, 0.25f, 0.75f);
        Rgba keptTopLeft = Quadrant(1, 0.25f, 0.25f), keptBottomRight = Quadrant(1, 0.75f, 0.75f);
        Assert.Multiple(() =>
        {
            Assert.That(PngImage.IsWhite(Quadrant(0, 0.75f, 0.25f)), Is.True, "attention [0, 1] is NaN: blank");
            Assert.That(PngImage.IsWhite(Quadrant(1, 0.75f, 0.25f)), Is.True, "kept [0, 1] is NaN: blank");
            // Viridis: the top of the scale is yellow (bright), the bottom dark purple.
            Assert.That(Brightness(attentionTopLeft), Is.GreaterThan(Brightness(attentionBottomLeft) + 200), "the largest cell, row 0, is at the top");
            // Kept: 1 is dark blue, 0 light gray (not white, so it differs from blank cells).
            Assert.That(Brightness(keptTopLeft), Is.LessThan(Brightness(keptBottomRight) - 200), "kept cell [0, 0] is dark, at the top left");
            Assert.That(PngImage.IsWhite(keptBottomRight), Is.False, "a cell kept 0 is not blank");
        });
    }

    [Test]
    public void RendersASingleBin()
    {
        using var directory = new PlotDirectory();
        string path = directory.File("one.png");
        PatternPlot.WriteHeatmapPair(path, new PatternPlotData("G = 1", "", 1, new double[,] { { 0.5 } }, new double[,] { { 1 } }));
        PngImage.AssertPng(path, PatternPlot.Width, PatternPlot.Height);
        PixelRect attention = PatternPlot.MatrixArea(0), kept = PatternPlot.MatrixArea(1);
        Assert.Multiple(() =>
        {
            Assert.That(PngImage.IsWhite(PngImage.PixelAt(path, attention.MidX, attention.MidY)), Is.False, "the attention cell is drawn");
            Assert.That(PngImage.IsWhite(PngImage.PixelAt(path, kept.MidX, kept.MidY)), Is.False, "the kept cell is drawn");
        });
    }

    [TestCase(0.0, 0.0)]
    [TestCase(double.NaN, double.NaN)]
    [TestCase(1e-300, 0.5)]
    public void RendersFlatOrEmptyMatrices(double attention, double kept)
    {
        using var directory = new PlotDirectory();
        string path = directory.File("flat.png");
        PatternPlot.WriteHeatmapPair(path, PatternPlotCases.Causal(8, attention, kept));
        PngImage.AssertPng(path, PatternPlot.Width, PatternPlot.Height);
    }

    [Test]
    public void ReplacesAnExistingFile()
    {
        using var directory = new PlotDirectory();
        string path = directory.File("head.png");
        File.WriteAllText(path, "not a png");
        PatternPlot.WriteHeatmapPair(path, PatternPlotCases.Causal(4, 0.25, 1));
        PngImage.AssertPng(path, PatternPlot.Width, PatternPlot.Height);
        Assert.That(directory.FileNames(), Is.EqualTo(new[] { "head.png" }));
    }

    [Test]
    public void InvalidDataIsRejectedNamingTheProblemAndWritesNothing()
    {
        using var directory = new PlotDirectory();
        string path = directory.File("bad.png");
        PatternPlotData good = PatternPlotCases.Causal(4, 0.25, 1);
        void Write(PatternPlotData data) => PatternPlot.WriteHeatmapPair(path, data);
        double[,] WithCell(double[,] matrix, int row, int column, double value)
        {
            var copy = (double[,])matrix.Clone();
            copy[row, column] = value;
            return copy;
        }

        Assert.Multiple(() =>
        {
            Assert.That(() => Write(null!), Throws.ArgumentNullException);
            Assert.That(() => Write(good with { Title = null! }), Throws.ArgumentException.With.Message.Contains("Title is null"));
            Assert.That(() => Write(good with { Subtitle = null! }), Throws.ArgumentException.With.Message.Contains("Subtitle is null"));
            Assert.That(() => Write(good with { Attention = null! }), Throws.ArgumentException.With.Message.Contains("Attention is null"));
            Assert.That(() => Write(good with { KeptFraction = null! }), Throws.ArgumentException.With.Message.Contains("KeptFraction is null"));
            Assert.That(() => Write(good with { Attention = new double[4, 3] }),
                Throws.ArgumentException.With.Message.Contains("Attention is 4×3; it must be square"));
            Assert.That(() => Write(good with { Attention = new double[0, 0], KeptFraction = new double[0, 0] }),
                Throws.ArgumentException.With.Message.Contains("at least 1×1"));
            Assert.That(() => Write(good with { KeptFraction = new double[3, 3] }),
                Throws.ArgumentException.With.Message.Contains("KeptFraction is 3×3 but Attention is 4×4"));
            Assert.That(() => Write(good with { SequenceLength = 3 }),
                Throws.ArgumentException.With.Message.Contains("SequenceLength is 3; it must be at least the number of bins, 4"));
            Assert.That(() => Write(good with { Attention = WithCell(good.Attention, 2, 1, -0.5) }),
                Throws.ArgumentException.With.Message.Contains("Attention[2, 1] is -0.5"));
            Assert.That(() => Write(good with { Attention = WithCell(good.Attention, 3, 0, double.PositiveInfinity) }),
                Throws.ArgumentException.With.Message.Contains("Attention[3, 0] is Infinity"));
            Assert.That(() => Write(good with { KeptFraction = WithCell(good.KeptFraction, 1, 1, 1.5) }),
                Throws.ArgumentException.With.Message.Contains("KeptFraction[1, 1] is 1.5"));
            Assert.That(() => PatternPlot.WriteHeatmapPair(" ", good), Throws.ArgumentException.With.Message.Contains("path is empty"));
            Assert.That(() => PatternPlot.WriteHeatmapPair(null!, good), Throws.ArgumentNullException);
            Assert.That(() => Write(good with { Title = null! }), Throws.ArgumentException.With.Property("ParamName").EqualTo("data"));
        });
        Assert.That(directory.FileNames(), Is.Empty, "nothing is written for invalid data");
    }

    [Test]
    public void MatrixAreasAreSquaresOfTheSameSize()
    {
        PixelRect left = PatternPlot.MatrixArea(0), right = PatternPlot.MatrixArea(1);
        Assert.Multiple(() =>
        {
            Assert.That(left.Width, Is.EqualTo(left.Height).Within(0.01));
            Assert.That((right.Width, right.Height), Is.EqualTo((left.Width, left.Height)));
            Assert.That(right.Left, Is.EqualTo(left.Left + PatternPlot.Width / 2f).Within(0.01));
            Assert.That(left.Width, Is.GreaterThan(400), "the matrix gets most of its panel");
        });
    }

    private static int Brightness(Rgba color) => color.R + color.G + color.B;
}

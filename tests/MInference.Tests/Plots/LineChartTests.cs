using MInference.Cli.Plots;
using MInference.Cli.Plots.Rendering;

namespace MInference.Tests.Plots;

public sealed class LineChartTests
{
    [Test]
    public void WritesOnePngOfTheStatedSize()
    {
        using var directory = new PlotDirectory();
        string path = directory.File(PlotFileNames.SpeedupFileName);
        ChartPoint[] points =
        [
            // Out of order on purpose: each series is drawn by increasing length.
            new("sparse vs dense", 131072, 8.7), new("sparse vs dense", 4096, 0.6), new("sparse vs dense", 16384, 1.6),
            new("sparse vs dense", 8192, 0.9), new("sparse vs dense", 32768, 2.9), new("sparse vs dense", 65536, 5.1),
            new("sparse + estimate vs dense", 4096, 0.4), new("sparse + estimate vs dense", 131072, 7.1),
        ];
        LineChart.Write(path, points, "vertical_and_slash prefill · bf16 · 32 heads, dim 128", ChartAxes.SpeedupVsDense);
        PngImage.AssertPng(path, LineChart.Width, LineChart.Height);
        Assert.That(directory.FileNames(), Is.EqualTo(new[] { PlotFileNames.SpeedupFileName }), "no temporary file is left behind");
        RgbaImage image = PngImage.Decode(File.ReadAllBytes(path));
        int Count(Rgba color) => Enumerable.Range(0, image.Height).Sum(y => Enumerable.Range(0, image.Width).Count(x => image[x, y] == color));
        Assert.Multiple(() =>
        {
            Assert.That(PatternPlotTests.DarkPixels(image, 200, 5, 800, 30), Is.GreaterThan(500), "the title");
            Assert.That(PatternPlotTests.DarkPixels(image, 0, 100, 30, 500), Is.GreaterThan(200), "the turned y-axis label");
            Assert.That(Count(Rgba.FromHex("#1F77B4")), Is.GreaterThan(500), "the first series' line and markers");
            Assert.That(Count(Rgba.FromHex("#FF7F0E")), Is.GreaterThan(100), "the second series'");
        });
    }

    [Test]
    public void TwoSeriesOfOnePointEach()
    {
        using var directory = new PlotDirectory();
        string path = directory.File("one-length.png");
        LineChart.Write(path, [new("sparse vs dense", 8192, 2.5), new("block_sparse vs dense", 8192, 0.4)], "one length", ChartAxes.SpeedupVsDense);
        PngImage.AssertPng(path, LineChart.Width, LineChart.Height);
    }

    [Test]
    public void LengthsThatAreNotPowersOfTwo()
    {
        using var directory = new PlotDirectory();
        string path = directory.File("odd.png");
        LineChart.Write(path, [new("s", 1000, 1.1), new("s", 3000, 1.4), new("s", 100_000, 6)], "odd lengths", ChartAxes.SpeedupVsDense);
        PngImage.AssertPng(path, LineChart.Width, LineChart.Height);
    }

    [Test]
    public void MillisecondsWithoutAReferenceLine()
    {
        using var directory = new PlotDirectory();
        string path = directory.File("decode-time.png");
        var axes = new ChartAxes("context length (tokens)", "ms per decode step");
        LineChart.Write(path, [new("PQ", 8192, 0.06), new("PQ", 131072, 0.31), new("dense", 8192, 0.064), new("dense", 131072, 0.72)], "decode", axes);
        PngImage.AssertPng(path, LineChart.Width, LineChart.Height);
        string withReference = directory.File("with-reference.png");
        LineChart.Write(withReference, [new("PQ", 8192, 0.06), new("PQ", 131072, 0.31), new("dense", 8192, 0.064), new("dense", 131072, 0.72)], "decode", axes with { ReferenceValue = 0.5, ReferenceLabel = "x" });
        Assert.That(File.ReadAllBytes(withReference), Is.Not.EqualTo(File.ReadAllBytes(path)), "the reference line is drawn only when the axes have one");
    }

    [Test]
    public void InvalidPointsAreRejectedNamingTheProblemAndWriteNothing()
    {
        using var directory = new PlotDirectory();
        string path = directory.File("bad.png");
        void Write(params ChartPoint[] points) => LineChart.Write(path, points, "t", ChartAxes.SpeedupVsDense);
        static ChartPoint P(string series, int length, double speedup) => new(series, length, speedup);
        Assert.Multiple(() =>
        {
            Assert.That(() => LineChart.Write(path, null!, "t", ChartAxes.SpeedupVsDense), Throws.ArgumentNullException);
            Assert.That(() => LineChart.Write(path, [P("s", 4096, 2)], null!, ChartAxes.SpeedupVsDense), Throws.ArgumentNullException);
            Assert.That(() => LineChart.Write(path, [P("s", 4096, 2)], "t", null!), Throws.ArgumentNullException);
            Assert.That(() => LineChart.Write("", [P("s", 4096, 2)], "t", ChartAxes.SpeedupVsDense), Throws.ArgumentException.With.Message.Contains("path is empty"));
            Assert.That(() => Write(), Throws.ArgumentException.With.Message.Contains("no points"));
            Assert.That(() => Write(P("s", 4096, 2), null!), Throws.ArgumentException.With.Message.Contains("Point 1 is null"));
            Assert.That(() => Write(P(" ", 4096, 2)), Throws.ArgumentException.With.Message.Contains("Point 0 has no series name"));
            Assert.That(() => Write(P("s", 0, 2)), Throws.ArgumentException.With.Message.Contains("sequence length 0"));
            Assert.That(() => Write(P("s", -4096, 2)), Throws.ArgumentException.With.Message.Contains("sequence length -4096"));
            Assert.That(() => Write(P("s", 4096, 0)), Throws.ArgumentException.With.Message.Contains("value 0; it must be finite and > 0"));
            Assert.That(() => Write(P("s", 4096, -1)), Throws.ArgumentException.With.Message.Contains("value -1"));
            Assert.That(() => Write(P("s", 4096, double.NaN)), Throws.ArgumentException.With.Message.Contains("value NaN"));
            Assert.That(() => Write(P("s", 4096, double.PositiveInfinity)), Throws.ArgumentException.With.Message.Contains("value Infinity"));
            Assert.That(() => Write(P("s", 4096, 2), P("s", 4096, 3)),
                Throws.ArgumentException.With.Message.Contains("Point 1 repeats series 's' at sequence length 4096"));
        });
        Assert.That(directory.FileNames(), Is.Empty, "nothing is written for invalid points");
    }
}

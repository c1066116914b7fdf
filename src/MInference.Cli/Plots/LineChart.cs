using System.Globalization;
using MInference.Cli.Plots.Rendering;

namespace MInference.Cli.Plots;

/// <summary>A value against sequence length as a PNG line chart, one line per series (the demo's speedup, decode time per step).</summary>
internal static class LineChart
{
    /// <summary>Width of the PNG in pixels.</summary>
    public const int Width = 1000;

    /// <summary>Height of the PNG in pixels.</summary>
    public const int Height = 600;

    private const double Top = 46, Bottom = 552, Right = 985;

    /// <summary>Line colors of the series, in order of first appearance (the "category 10" palette).</summary>
    private static readonly Rgba[] Palette =
    [
        .. new[] { "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF" }
            .Select(Rgba.FromHex),
    ];

    /// <summary>
    /// Writes the chart to <paramref name="path"/> atomically: x is the sequence length on a log2 scale (ticks at the
    /// measured lengths, labelled 4K, 8K, …), y the value from 0, with the axes' captions and reference line.
    /// </summary>
    /// <exception cref="ArgumentException">The path or title is missing, there are no points, or a point is invalid (the message says which).</exception>
    public static void Write(string path, IReadOnlyList<ChartPoint> points, string title, ChartAxes axes)
    {
        PngFile.RequirePath(path);
        ArgumentNullException.ThrowIfNull(axes);
        Validate(points, title);
        PngFile.WriteAtomically(path, PngEncoder.Encode(Render(points, title, axes)));
    }

    private static RgbaImage Render(IReadOnlyList<ChartPoint> points, string title, ChartAxes axes)
    {
        var image = new RgbaImage(Width, Height);
        image.Clear(Rgba.White);

        int[] lengths = [.. points.Select(point => point.SequenceLength).Distinct().Order()];
        double first = Math.Log2(lengths[0]), last = Math.Log2(lengths[^1]);
        double margin = Math.Max(0.35, (last - first) * 0.05);
        double xMin = first - margin, xMax = last + margin;
        double yMax = Math.Max(axes.ReferenceValue ?? 0, points.Max(point => point.Value)) * 1.12;
        (double Value, string Label)[] yTicks = NiceTicks(yMax);

        double left = Math.Round(14 + 10 + 10 + PlotStyle.WidestLabel(yTicks.Select(tick => tick.Label)) + 4 + PlotStyle.TickLength);
        var area = new PixelRect((float)left, (float)Top, (float)Right, (float)Bottom);
        double X(double log2Length) => area.Left + (log2Length - xMin) / (xMax - xMin) * area.Width;
        double Y(double value) => area.Bottom - value / yMax * area.Height;

        foreach (int length in lengths)
        {
            double x = Math.Round(X(Math.Log2(length)));
            image.FillRect(x, area.Top, x + 1, area.Bottom, PlotStyle.GridInk);
        }
        foreach ((double value, _) in yTicks)
        {
            double y = Math.Round(Y(value));
            image.FillRect(area.Left, y, area.Right, y + 1, PlotStyle.GridInk);
        }

        // The reference (dense at 1× for speedups): dashed, labelled at the right end.
        if (axes.ReferenceValue is double reference)
        {
            double referenceY = Math.Round(Y(reference)) + 0.5;
            image.DrawDashedLine(new PointD(area.Left, referenceY), new PointD(area.Right, referenceY), 1.5, 8, 6, Rgba.FromHex("#808080"));
            PlotFont.Regular.Draw(image, axes.ReferenceLabel, area.Right - 6, referenceY - 3, 14, Rgba.FromHex("#696969"), TextAlign.Right, TextBaseline.Bottom);
        }

        var legend = new List<(string Name, Rgba Color)>();
        foreach (IGrouping<string, ChartPoint> series in points.GroupBy(point => point.Series, StringComparer.Ordinal))
        {
            Rgba color = Palette[legend.Count % Palette.Length];
            PointD[] line = [.. series.OrderBy(point => point.SequenceLength).Select(point => new PointD(X(Math.Log2(point.SequenceLength)), Y(point.Value)))];
            image.DrawPolyline(line, 2, color);
            foreach (PointD point in line)
            {
                image.FillCircle(point, 4.5, color);
            }
            legend.Add((series.Key, color));
        }

        PlotStyle.Frame(image, area);
        PlotStyle.BottomTicks(image, Math.Round(area.Bottom) + 1, lengths.Select(length => (X(Math.Log2(length)), TokenTicks.Format(length))));
        PlotStyle.LeftTicks(image, Math.Round(area.Left), yTicks.Select(tick => (Y(tick.Value), tick.Label)));

        PlotFont.Bold.Draw(image, title, Width / 2.0, 23, 18, PlotStyle.TitleInk, TextAlign.Center);
        PlotFont.Regular.Draw(image, axes.XLabel, area.MidX, area.Bottom + 36, PlotStyle.AxisLabelSize, PlotStyle.LabelInk, TextAlign.Center);
        PlotFont.Regular.Draw(image, axes.YLabel, 14, area.MidY, PlotStyle.AxisLabelSize, PlotStyle.LabelInk,
            TextAlign.Center, TextBaseline.Middle, TextDirection.Up);

        DrawLegend(image, area, legend);
        return image;
    }

    /// <summary>A boxed legend in the upper left of the data area: a line with a marker, then the series name.</summary>
    private static void DrawLegend(RgbaImage image, PixelRect area, List<(string Name, Rgba Color)> legend)
    {
        const double Size = 14, RowHeight = 22, Padding = 8, Sample = 24;
        double width = Padding + Sample + 6 + legend.Max(entry => PlotFont.Regular.Measure(entry.Name, Size)) + Padding;
        double height = Padding / 2 + RowHeight * legend.Count + Padding / 2;
        double left = Math.Round(area.Left + 8), top = Math.Round(area.Top + 8);
        image.FillRect(left + 3, top + 3, left + width + 3, top + height + 3, Rgba.FromHex("#00000040"));
        image.FillRect(left, top, left + width, top + height, Rgba.White);
        image.StrokeRect(new PixelRect((float)left, (float)top, (float)(left + width), (float)(top + height)), 1, Rgba.Black);
        for (int i = 0; i < legend.Count; i++)
        {
            double y = top + Padding / 2 + RowHeight * (i + 0.5);
            image.DrawLine(new PointD(left + Padding, y), new PointD(left + Padding + Sample, y), 2, legend[i].Color);
            image.FillCircle(new PointD(left + Padding + Sample / 2, y), 4.5, legend[i].Color);
            PlotFont.Regular.Draw(image, legend[i].Name, left + Padding + Sample + 6, y, Size, PlotStyle.LabelInk, TextAlign.Left, TextBaseline.Middle);
        }
    }

    /// <summary>Ticks from 0 to at most <paramref name="max"/> at a step of 1, 2 or 5 × a power of ten, about ten of them.</summary>
    private static (double Value, string Label)[] NiceTicks(double max)
    {
        double raw = max / 10, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw))), ratio = raw / magnitude;
        double step = (ratio < 1.5 ? 1 : ratio < 3.5 ? 2 : ratio < 7.5 ? 5 : 10) * magnitude;
        var ticks = new List<(double, string)>();
        for (int i = 0; i * step <= max * (1 + 1e-9); i++)
        {
            double value = Math.Round(i * step, 10);
            ticks.Add((value, value.ToString("0.##########", CultureInfo.InvariantCulture)));
        }
        return [.. ticks];
    }

    private static void Validate(IReadOnlyList<ChartPoint> points, string title)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(title);
        if (points.Count == 0)
        {
            throw new ArgumentException("There are no points to plot.", nameof(points));
        }
        var seen = new HashSet<(string, int)>();
        for (int index = 0; index < points.Count; index++)
        {
            ChartPoint point = points[index]
                ?? throw new ArgumentException($"Point {index} is null.", nameof(points));
            if (string.IsNullOrWhiteSpace(point.Series))
            {
                throw new ArgumentException($"Point {index} has no series name.", nameof(points));
            }
            if (point.SequenceLength <= 0)
            {
                throw new ArgumentException(
                    $"Point {index} ({point.Series}) has sequence length {point.SequenceLength}; it must be > 0.", nameof(points));
            }
            if (!double.IsFinite(point.Value) || point.Value <= 0)
            {
                throw new ArgumentException(
                    $"Point {index} ({point.Series}, {point.SequenceLength}) has value {point.Value.ToString(CultureInfo.InvariantCulture)}; it must be finite and > 0.",
                    nameof(points));
            }
            if (!seen.Add((point.Series, point.SequenceLength)))
            {
                throw new ArgumentException(
                    $"Point {index} repeats series '{point.Series}' at sequence length {point.SequenceLength}.", nameof(points));
            }
        }
    }
}

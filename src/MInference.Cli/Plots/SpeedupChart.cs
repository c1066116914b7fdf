using System.Globalization;
using ScottPlot;

namespace MInference.Cli.Plots;

/// <summary>Attention speedup over dense against sequence length as a PNG line chart, one line per series.</summary>
internal static class SpeedupChart
{
    /// <summary>Width of the PNG in pixels.</summary>
    public const int Width = 1000;

    /// <summary>Height of the PNG in pixels.</summary>
    public const int Height = 600;

    /// <summary>
    /// Writes the chart to <paramref name="path"/> atomically: x is the sequence length on a log2 scale (ticks at the
    /// measured lengths, labelled 4K, 8K, …), y the speedup, with a dashed line at 1× for dense.
    /// </summary>
    /// <exception cref="ArgumentException">The path or title is missing, there are no points, or a point is invalid (the message says which).</exception>
    public static void Write(string path, IReadOnlyList<SpeedupPoint> points, string title)
    {
        PngFile.RequirePath(path);
        Validate(points, title);
        PlotFont.EnsureRegistered();
        using Plot plot = Create(points, title);
        PngFile.WriteAtomically(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
    }

    private static Plot Create(IReadOnlyList<SpeedupPoint> points, string title)
    {
        var plot = new Plot();
        plot.Title(title, 18);
        plot.Axes.Title.Label.Bold = true;
        plot.XLabel("sequence length (tokens)", 15);
        plot.YLabel("attention speedup vs dense (×)", 15);
        plot.Axes.Bottom.Label.Bold = false;
        plot.Axes.Left.Label.Bold = false;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;

        plot.Add.HorizontalLine(1, 1.5f, Colors.Gray, LinePattern.Dashed);

        foreach (IGrouping<string, SpeedupPoint> series in points.GroupBy(point => point.Series, StringComparer.Ordinal))
        {
            SpeedupPoint[] ordered = [.. series.OrderBy(point => point.SequenceLength)];
            var line = plot.Add.Scatter(
                ordered.Select(point => Math.Log2(point.SequenceLength)).ToArray(),
                ordered.Select(point => point.Speedup).ToArray());
            line.LegendText = series.Key;
            line.LineWidth = 2;
            line.MarkerSize = 9;
        }

        int[] lengths = [.. points.Select(point => point.SequenceLength).Distinct().Order()];
        plot.Axes.Bottom.SetTicks(
            [.. lengths.Select(length => Math.Log2(length))],
            [.. lengths.Select(length => TokenTicks.Format(length))]);
        double left = Math.Log2(lengths[0]), right = Math.Log2(lengths[^1]);
        double margin = Math.Max(0.35, (right - left) * 0.05);
        double top = Math.Max(1, points.Max(point => point.Speedup));
        plot.Axes.SetLimits(left - margin, right + margin, 0, top * 1.12);

        var dense = plot.Add.Text("dense", right + margin, 1);
        dense.Alignment = Alignment.LowerRight;
        dense.LabelStyle.FontSize = 14;
        dense.LabelStyle.ForeColor = Colors.DimGray;
        dense.OffsetX = -6;

        plot.ShowLegend(Alignment.UpperLeft);
        plot.Legend.FontSize = 14;
        return plot;
    }

    private static void Validate(IReadOnlyList<SpeedupPoint> points, string title)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(title);
        if (points.Count == 0)
        {
            throw new ArgumentException("There are no speedup points to plot.", nameof(points));
        }
        var seen = new HashSet<(string, int)>();
        for (int index = 0; index < points.Count; index++)
        {
            SpeedupPoint point = points[index]
                ?? throw new ArgumentException($"Speedup point {index} is null.", nameof(points));
            if (string.IsNullOrWhiteSpace(point.Series))
            {
                throw new ArgumentException($"Speedup point {index} has no series name.", nameof(points));
            }
            if (point.SequenceLength <= 0)
            {
                throw new ArgumentException(
                    $"Speedup point {index} ({point.Series}) has sequence length {point.SequenceLength}; it must be > 0.", nameof(points));
            }
            if (!double.IsFinite(point.Speedup) || point.Speedup <= 0)
            {
                throw new ArgumentException(
                    $"Speedup point {index} ({point.Series}, {point.SequenceLength}) has speedup {point.Speedup.ToString(CultureInfo.InvariantCulture)}; it must be finite and > 0.",
                    nameof(points));
            }
            if (!seen.Add((point.Series, point.SequenceLength)))
            {
                throw new ArgumentException(
                    $"Speedup point {index} repeats series '{point.Series}' at sequence length {point.SequenceLength}.", nameof(points));
            }
        }
    }
}

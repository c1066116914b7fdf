using MInference.Cli.Plots.Rendering;

namespace MInference.Cli.Plots;

/// <summary>Colors, sizes and the axis drawing that both plots share.</summary>
internal static class PlotStyle
{
    public static readonly Rgba Ink = Rgba.Black;
    public static readonly Rgba TitleInk = Rgba.FromHex("#202020");
    public static readonly Rgba SubtitleInk = Rgba.FromHex("#555555");
    public static readonly Rgba LabelInk = Rgba.FromHex("#202020");
    public static readonly Rgba GridInk = Rgba.FromHex("#E5E5E5");

    public const double TickLength = 4;
    public const double TickLabelSize = 13;
    public const double AxisLabelSize = 15;

    /// <summary>A 1-pixel frame on the pixel columns and rows of <paramref name="area"/>'s edges (rounded to whole pixels).</summary>
    public static void Frame(RgbaImage image, PixelRect area) => image.StrokeRect(Snap(area), 1, Ink);

    /// <summary>The pixels from <paramref name="area"/>'s rounded left and top edges through its rounded right and bottom edges.</summary>
    public static PixelRect Snap(PixelRect area) =>
        new(MathF.Round(area.Left), MathF.Round(area.Top), MathF.Round(area.Right) + 1, MathF.Round(area.Bottom) + 1);

    /// <summary>Tick marks down from the bottom edge at y = <paramref name="axisY"/>, labels centered under them.</summary>
    public static void BottomTicks(RgbaImage image, double axisY, IEnumerable<(double X, string Label)> ticks)
    {
        foreach ((double x, string label) in ticks)
        {
            double column = Math.Round(x);
            image.FillRect(column, axisY, column + 1, axisY + TickLength, Ink);
            PlotFont.Regular.Draw(image, label, column + 0.5, axisY + TickLength, TickLabelSize, Ink, TextAlign.Center, TextBaseline.Top);
        }
    }

    /// <summary>Tick marks left of the edge at x = <paramref name="axisX"/>, labels right-aligned beside them.</summary>
    public static void LeftTicks(RgbaImage image, double axisX, IEnumerable<(double Y, string Label)> ticks)
    {
        foreach ((double y, string label) in ticks)
        {
            double row = Math.Round(y);
            image.FillRect(axisX - TickLength, row, axisX, row + 1, Ink);
            PlotFont.Regular.Draw(image, label, axisX - TickLength - 4, row + 0.5, TickLabelSize, Ink, TextAlign.Right, TextBaseline.Middle);
        }
    }

    /// <summary>Tick marks right of the edge at x = <paramref name="axisX"/>, labels left-aligned beside them.</summary>
    public static void RightTicks(RgbaImage image, double axisX, IEnumerable<(double Y, string Label)> ticks)
    {
        foreach ((double y, string label) in ticks)
        {
            double row = Math.Round(y);
            image.FillRect(axisX, row, axisX + TickLength, row + 1, Ink);
            PlotFont.Regular.Draw(image, label, axisX + TickLength + 4, row + 0.5, TickLabelSize, Ink, TextAlign.Left, TextBaseline.Middle);
        }
    }

    /// <summary>The widest label's width at the tick label size.</summary>
    public static double WidestLabel(IEnumerable<string> labels) =>
        labels.Select(label => PlotFont.Regular.Measure(label, TickLabelSize)).DefaultIfEmpty(0).Max();
}

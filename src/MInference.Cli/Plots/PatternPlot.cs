using ScottPlot;
using SkiaSharp;

namespace MInference.Cli.Plots;

/// <summary>
/// One head's attention pattern as a PNG: the estimated attention (log color scale) beside the mask the sparse
/// pattern keeps, both G×G bins over the causal N×N matrix, in token positions, query 0 at the top left.
/// </summary>
internal static class PatternPlot
{
    /// <summary>Width of the PNG in pixels.</summary>
    public const int Width = 1400;

    /// <summary>Height of the PNG in pixels.</summary>
    public const int Height = 700;

    private const float HeaderHeight = 76;
    private const float PaddingLeft = 92, PaddingRight = 150, PaddingTop = 40, PaddingBottom = 64;

    /// <summary>Room left round the matrix, as a fraction of N, so its edge cells (key 0: the attention sink) stay clear of the frame.</summary>
    private const double EdgeMargin = 0.012;

    /// <summary>
    /// Writes both panels side by side into one PNG of <see cref="Width"/>×<see cref="Height"/> at
    /// <paramref name="path"/>, atomically (an existing file is replaced).
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty, or <paramref name="data"/> is incomplete or inconsistent (the message says what).</exception>
    public static void WriteHeatmapPair(string path, PatternPlotData data)
    {
        PngFile.RequirePath(path);
        PatternPlotData.Validate(data);
        PngFile.WriteAtomically(path, Render(data));
    }

    /// <summary>
    /// The square pixel area the matrix cells of a panel (0 = attention, 1 = kept mask) are drawn in, token 0 of
    /// both axes at its top left and token N at its bottom right.
    /// </summary>
    public static SKRect MatrixArea(int panel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(panel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(panel, 1);
        PixelRect bounds = PanelBounds(panel);
        PixelPadding padding = SquareDataPadding(bounds);
        float left = bounds.Left + padding.Left, right = bounds.Right - padding.Right;
        float top = bounds.Top + padding.Top, bottom = bounds.Bottom - padding.Bottom;
        // The axes run from -margin to N + margin tokens; the matrix covers 0 to N of that.
        float inset = (float)(EdgeMargin / (1 + 2 * EdgeMargin)) * (right - left);
        return new SKRect(left + inset, top + inset, right - inset, bottom - inset);
    }

    private static byte[] Render(PatternPlotData data)
    {
        PlotFont.EnsureRegistered();
        using SKSurface surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("SkiaSharp could not create a drawing surface.");
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using (Plot attention = AttentionPanel(data))
        {
            RenderInto(canvas, attention, PanelBounds(0));
        }
        using (Plot kept = KeptPanel(data))
        {
            RenderInto(canvas, kept, PanelBounds(1));
        }
        DrawHeader(canvas, data.Title, data.Subtitle);
        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static PixelRect PanelBounds(int panel) => new(panel * Width / 2f, (panel + 1) * Width / 2f, Height, HeaderHeight);

    /// <summary>Padding that leaves a square data area (the matrix is square), the spare room split evenly.</summary>
    private static PixelPadding SquareDataPadding(PixelRect panel)
    {
        float side = Math.Min(panel.Width - PaddingLeft - PaddingRight, panel.Height - PaddingTop - PaddingBottom);
        float spareX = (panel.Width - PaddingLeft - PaddingRight - side) / 2;
        float spareY = (panel.Height - PaddingTop - PaddingBottom - side) / 2;
        return new PixelPadding(PaddingLeft + spareX, PaddingRight + spareX, PaddingBottom + spareY, PaddingTop + spareY);
    }

    /// <summary>Renders <paramref name="plot"/> into <paramref name="bounds"/> only (a plot clears its whole clip area first).</summary>
    private static void RenderInto(SKCanvas canvas, Plot plot, PixelRect bounds)
    {
        canvas.Save();
        canvas.ClipRect(new SKRect(bounds.Left, bounds.Top, bounds.Right, bounds.Bottom));
        plot.Render(canvas, bounds);
        canvas.Restore();
    }

    private static void DrawHeader(SKCanvas canvas, string title, string subtitle)
    {
        using var paint = new SKPaint { IsAntialias = true, Color = new SKColor(0x20, 0x20, 0x20) };
        using (var titleFont = new SKFont(PlotFont.Bold, 22) { Subpixel = true })
        {
            canvas.DrawText(title, Width / 2f, 34, SKTextAlign.Center, titleFont, paint);
        }
        paint.Color = new SKColor(0x55, 0x55, 0x55);
        using var subtitleFont = new SKFont(PlotFont.Regular, 16) { Subpixel = true };
        canvas.DrawText(subtitle, Width / 2f, 60, SKTextAlign.Center, subtitleFont, paint);
    }

    private static Plot AttentionPanel(PatternPlotData data)
    {
        (double[,] logAttention, double bottom, double top) = LogColorScale.Apply(data.Attention);
        Plot plot = MatrixPanel(0, data.SequenceLength, "estimated attention (log color scale)");
        var heatmap = AddMatrix(plot, logAttention, data.SequenceLength);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(bottom, top);
        AddColorBar(plot, heatmap, "mean attention probability", LogColorScale.Ticks(bottom, top));
        return plot;
    }

    private static Plot KeptPanel(PatternPlotData data)
    {
        Plot plot = MatrixPanel(1, data.SequenceLength, "kept by the sparse pattern");
        var heatmap = AddMatrix(plot, data.KeptFraction, data.SequenceLength);
        heatmap.Colormap = new ScottPlot.Colormaps.CustomInterpolated(
            [Color.FromHex("#E6E6E6"), Color.FromHex("#6BAED6"), Color.FromHex("#08306B")]);
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        AddColorBar(plot, heatmap, "fraction of the cell computed",
            new ScottPlot.TickGenerators.NumericManual([0, 0.25, 0.5, 0.75, 1], ["0", "0.25", "0.5", "0.75", "1"]));
        return plot;
    }

    private static Plot MatrixPanel(int panel, int sequenceLength, string title)
    {
        var plot = new Plot();
        plot.Layout.Fixed(SquareDataPadding(PanelBounds(panel)));
        plot.HideGrid();
        plot.Title(title, 17);
        plot.Axes.Title.Label.Bold = false;
        plot.XLabel("key position (tokens)", 15);
        plot.YLabel("query position (tokens)", 15);
        plot.Axes.Bottom.Label.Bold = false;
        plot.Axes.Left.Label.Bold = false;
        long[] positions = TokenTicks.Positions(sequenceLength);
        double[] ticks = [.. positions.Select(position => (double)position)];
        string[] labels = [.. positions.Select(TokenTicks.Format)];
        plot.Axes.Bottom.SetTicks(ticks, labels);
        plot.Axes.Left.SetTicks(ticks, labels);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        // Top and bottom swapped: y grows downwards, like a matrix's row index.
        double margin = sequenceLength * EdgeMargin;
        plot.Axes.SetLimits(-margin, sequenceLength + margin, sequenceLength + margin, -margin);
        return plot;
    }

    /// <summary>Adds the G×G cells over tokens 0..N on both axes, row 0 at the top; NaN cells are left transparent.</summary>
    private static ScottPlot.Plottables.Heatmap AddMatrix(Plot plot, double[,] cells, int sequenceLength)
    {
        // ScottPlot 5.1.59 draws nothing for a 1×1 heatmap (the same cell split in four looks the same), and
        // throws for one without any number (then nothing is drawn; the heatmap is only there for the color bar).
        bool anyNumber = cells.Cast<double>().Any(double.IsFinite);
        double[,] drawn = !anyNumber ? new double[2, 2]
            : cells.GetLength(0) == 1 ? new double[2, 2] { { cells[0, 0], cells[0, 0] }, { cells[0, 0], cells[0, 0] } }
            : cells;
        var heatmap = plot.Add.Heatmap(drawn);
        heatmap.IsVisible = anyNumber;
        heatmap.Rectangle = new CoordinateRect(0, sequenceLength, 0, sequenceLength);
        heatmap.NaNCellColor = Colors.Transparent;
        return heatmap;
    }

    private static void AddColorBar(Plot plot, ScottPlot.Plottables.Heatmap heatmap, string label, ITickGenerator ticks)
    {
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = label;
        colorBar.LabelStyle.FontSize = 14;
        colorBar.LabelStyle.Bold = false;
        colorBar.Axis.TickLabelStyle.FontSize = 13;
        colorBar.Axis.TickGenerator = ticks;
    }
}

using MInference.Cli.Plots.Rendering;

namespace MInference.Cli.Plots;

/// <summary>
/// One head's attention pattern as a PNG: the estimated attention (log color scale) beside the mask the sparse
/// pattern keeps, both G×G bins over the causal N×N matrix, in token positions, query 0 at the top left. A
/// permuted head (MMInference) gets three panels: its attention in original order, the same in its token order,
/// and the kept mask in that order.
/// </summary>
internal static class PatternPlot
{
    /// <summary>Width of one panel in pixels.</summary>
    public const int PanelWidth = 700;

    /// <summary>Width of the two-panel PNG in pixels.</summary>
    public const int Width = 2 * PanelWidth;

    /// <summary>Width of the three-panel PNG of a permuted head in pixels.</summary>
    public const int TripleWidth = 3 * PanelWidth;

    /// <summary>Height of the PNG in pixels.</summary>
    public const int Height = 700;

    private const float HeaderHeight = 76;
    private const float PaddingLeft = 92, PaddingRight = 150, PaddingTop = 40, PaddingBottom = 64;

    /// <summary>Room left round the matrix, as a fraction of N, so its edge cells (key 0: the attention sink) stay clear of the frame.</summary>
    private const double EdgeMargin = 0.012;

    private const float ColorBarGap = 15, ColorBarWidth = 30;

    /// <summary>Axis labels of panels over token positions and over slots of a head's token order.</summary>
    private static readonly (string Key, string Query) Positions = ("key position (tokens)", "query position (tokens)");
    private static readonly (string Key, string Query) Slots = ("key slot (reordered)", "query slot (reordered)");

    /// <summary>
    /// Writes both panels side by side into one PNG of <see cref="Width"/>×<see cref="Height"/> at
    /// <paramref name="path"/>, atomically (an existing file is replaced).
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty, or <paramref name="data"/> is incomplete or inconsistent (the message says what).</exception>
    public static void WriteHeatmapPair(string path, PatternPlotData data)
    {
        PngFile.RequirePath(path);
        PatternPlotData.Validate(data);
        PngFile.WriteAtomically(path, PngEncoder.Encode(Render(data)));
    }

    /// <summary>
    /// Writes a permuted head's three panels (attention in original order, attention in the head's order, kept
    /// mask in that order) into one PNG of <see cref="TripleWidth"/>×<see cref="Height"/>, atomically.
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty, or <paramref name="data"/> is incomplete or inconsistent.</exception>
    public static void WritePermutedTriple(string path, PermutedPlotData data)
    {
        PngFile.RequirePath(path);
        ArgumentNullException.ThrowIfNull(data);
        PatternPlotData.Validate(new PatternPlotData(data.Title, data.Subtitle, data.SequenceLength, data.Attention, data.KeptFraction));
        PatternPlotData.Validate(new PatternPlotData(data.Title, data.Subtitle, data.SequenceLength, data.ReorderedAttention, data.KeptFraction));
        PngFile.WriteAtomically(path, PngEncoder.Encode(RenderTriple(data)));
    }

    /// <summary>
    /// The square pixel area the matrix cells of a panel (0 = attention, 1 = kept mask) are drawn in, token 0 of
    /// both axes at its top left and token N at its bottom right.
    /// </summary>
    public static PixelRect MatrixArea(int panel, int panels = 2)
    {
        PixelRect data = DataArea(panel, panels);
        // The axes run from -margin to N + margin tokens; the matrix covers 0 to N of that.
        float inset = (float)(EdgeMargin / (1 + 2 * EdgeMargin)) * data.Width;
        return new PixelRect(data.Left + inset, data.Top + inset, data.Right - inset, data.Bottom - inset);
    }

    /// <summary>The square data area of a panel (inside its frame): the matrix with a margin round it.</summary>
    private static PixelRect DataArea(int panel, int panels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(panel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(panel, panels);
        float left = panel * PanelWidth, right = (panel + 1) * PanelWidth, top = HeaderHeight, bottom = Height;
        // A square data area (the matrix is square), the spare room split evenly.
        float side = Math.Min(right - left - PaddingLeft - PaddingRight, bottom - top - PaddingTop - PaddingBottom);
        float spareX = (right - left - PaddingLeft - PaddingRight - side) / 2;
        float spareY = (bottom - top - PaddingTop - PaddingBottom - side) / 2;
        return new PixelRect(left + PaddingLeft + spareX, top + PaddingTop + spareY, right - PaddingRight - spareX, bottom - PaddingBottom - spareY);
    }

    private static RgbaImage Render(PatternPlotData data)
    {
        var image = new RgbaImage(Width, Height);
        image.Clear(Rgba.White);

        DrawAttentionPanel(image, 0, 2, data.SequenceLength, "estimated attention (log color scale)", data.Attention, Positions);
        DrawKeptPanel(image, 1, 2, data.SequenceLength, "kept by the sparse pattern", data.KeptFraction, Positions);
        DrawHeader(image, Width, data.Title, data.Subtitle);
        return image;
    }

    private static RgbaImage RenderTriple(PermutedPlotData data)
    {
        var image = new RgbaImage(TripleWidth, Height);
        image.Clear(Rgba.White);
        DrawAttentionPanel(image, 0, 3, data.SequenceLength, "attention, original order (log color)", data.Attention, Positions);
        DrawAttentionPanel(image, 1, 3, data.SequenceLength, "attention, the head's order", data.ReorderedAttention, Slots);
        DrawKeptPanel(image, 2, 3, data.SequenceLength, "kept blocks, the head's order", data.KeptFraction, Slots);
        DrawHeader(image, TripleWidth, data.Title, data.Subtitle);
        return image;
    }

    private static void DrawAttentionPanel(RgbaImage image, int panel, int panels, int sequenceLength, string title, double[,] attention, (string Key, string Query) axes)
    {
        (double[,] logAttention, double bottom, double top) = LogColorScale.Apply(attention);
        DrawPanel(image, panel, panels, sequenceLength, title, logAttention, value => Colormap.Viridis.At((value - bottom) / (top - bottom)), axes);
        DrawColorBar(image, panel, panels, Colormap.Viridis, "mean attention probability",
            [.. LogColorScale.Ticks(bottom, top).Select(tick => ((tick.Value - bottom) / (top - bottom), tick.Label))]);
    }

    private static void DrawKeptPanel(RgbaImage image, int panel, int panels, int sequenceLength, string title, double[,] kept, (string Key, string Query) axes)
    {
        DrawPanel(image, panel, panels, sequenceLength, title, kept, Colormap.KeptBlues.At, axes);
        DrawColorBar(image, panel, panels, Colormap.KeptBlues, "fraction of the cell computed",
            [(0, "0"), (0.25, "0.25"), (0.5, "0.5"), (0.75, "0.75"), (1, "1")]);
    }

    private static void DrawHeader(RgbaImage image, int width, string title, string subtitle)
    {
        PlotFont.Bold.Draw(image, title, width / 2.0, 34, 22, PlotStyle.TitleInk, TextAlign.Center);
        PlotFont.Regular.Draw(image, subtitle, width / 2.0, 60, 16, PlotStyle.SubtitleInk, TextAlign.Center);
    }

    private static void DrawPanel(
        RgbaImage image, int panel, int panels, int sequenceLength, string title, double[,] cells, Func<double, Rgba> color, (string Key, string Query) axes)
    {
        PixelRect area = DataArea(panel, panels), matrix = MatrixArea(panel, panels);
        DrawCells(image, matrix, cells, color);
        PlotStyle.Frame(image, area);

        long[] positions = TokenTicks.Positions(sequenceLength);
        PlotStyle.BottomTicks(image, Math.Round(area.Bottom) + 1,
            positions.Select(position => (matrix.Left + (double)position / sequenceLength * matrix.Width, TokenTicks.Format(position))));
        PlotStyle.LeftTicks(image, Math.Round(area.Left),
            positions.Select(position => (matrix.Top + (double)position / sequenceLength * matrix.Height, TokenTicks.Format(position))));

        PlotFont.Regular.Draw(image, title, area.MidX, area.Top - 23, 17, PlotStyle.LabelInk, TextAlign.Center);
        PlotFont.Regular.Draw(image, axes.Key, area.MidX, area.Bottom + 36, PlotStyle.AxisLabelSize, PlotStyle.LabelInk, TextAlign.Center);
        PlotFont.Regular.Draw(image, axes.Query, area.Left - 47, area.MidY, PlotStyle.AxisLabelSize, PlotStyle.LabelInk,
            TextAlign.Center, TextBaseline.Middle, TextDirection.Up);
    }

    /// <summary>Each pixel whose center is in <paramref name="matrix"/> takes the color of the cell under that center; NaN cells stay blank.</summary>
    private static void DrawCells(RgbaImage image, PixelRect matrix, double[,] cells, Func<double, Rgba> color)
    {
        int bins = cells.GetLength(0);
        for (int y = (int)Math.Floor(matrix.Top); y < matrix.Bottom; y++)
        {
            double v = (y + 0.5 - matrix.Top) / matrix.Height;
            if (v < 0 || v >= 1)
            {
                continue;
            }
            int row = Math.Min((int)(v * bins), bins - 1);
            for (int x = (int)Math.Floor(matrix.Left); x < matrix.Right; x++)
            {
                double u = (x + 0.5 - matrix.Left) / matrix.Width;
                if (u < 0 || u >= 1)
                {
                    continue;
                }
                double value = cells[row, Math.Min((int)(u * bins), bins - 1)];
                if (!double.IsNaN(value))
                {
                    image[x, y] = color(value);
                }
            }
        }
    }

    /// <summary>The color scale right of the panel: 0 at the bottom, 1 at the top, ticks at (fraction, label).</summary>
    private static void DrawColorBar(RgbaImage image, int panel, int panels, Colormap colormap, string label, IReadOnlyList<(double Fraction, string Label)> ticks)
    {
        PixelRect area = PlotStyle.Snap(DataArea(panel, panels));
        double left = area.Right + ColorBarGap - 1, right = left + ColorBarWidth;
        double top = area.Top, bottom = area.Bottom - 1;
        for (int y = (int)top; y < bottom; y++)
        {
            image.FillRect(left, y, right, y + 1, colormap.At(1 - (y + 0.5 - top) / (bottom - top)));
        }
        image.FillRect(right, top - 1, right + 1, bottom + 1, PlotStyle.Ink);
        PlotStyle.RightTicks(image, right + 1, ticks.Select(tick => (bottom - tick.Fraction * (bottom - top), tick.Label)));
        double labelX = right + 1 + PlotStyle.TickLength + 4 + PlotStyle.WidestLabel(ticks.Select(tick => tick.Label)) + 8;
        PlotFont.Regular.Draw(image, label, labelX, (top + bottom) / 2, 14, PlotStyle.LabelInk, TextAlign.Center, TextBaseline.Bottom, TextDirection.Down);
    }
}

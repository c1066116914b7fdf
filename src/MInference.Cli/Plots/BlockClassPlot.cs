using System.Globalization;
using MInference.Cli.Plots.Rendering;
using MInference.Sla;

namespace MInference.Cli.Plots;

/// <summary>
/// One head's SLA block mask as a PNG: blocks × blocks cells (query block down, key block across,
/// block 0 at the top left), critical, marginal and negligible in three colours, with a legend
/// giving each class's share. Where there are more blocks than pixels, a pixel shows the block
/// under its centre. A causal mask's blocks past the diagonal (negligible by construction: no query
/// of the row may see them) are drawn apart, in white, so that the negligible share counts only
/// blocks SLA chose to skip.
/// </summary>
internal static class BlockClassPlot
{
    /// <summary>Width of the PNG in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of the PNG in pixels.</summary>
    public const int Height = 880;

    /// <summary>Critical blocks: dark red.</summary>
    public static readonly Rgba CriticalColor = Rgba.FromHex("#B2182B");
    /// <summary>Marginal blocks: light blue.</summary>
    public static readonly Rgba MarginalColor = Rgba.FromHex("#92C5DE");
    /// <summary>Negligible blocks: light gray.</summary>
    public static readonly Rgba NegligibleColor = Rgba.FromHex("#E8E8E8");
    /// <summary>A causal mask's blocks past the diagonal: white.</summary>
    public static readonly Rgba FutureColor = Rgba.White;

    /// <summary>The square pixel area of the blocks.</summary>
    public static readonly PixelRect MatrixArea = new(160, 100, 800, 740);

    /// <summary>Writes <paramref name="mask"/> with <paramref name="title"/> and <paramref name="subtitle"/> to <paramref name="path"/>, atomically.</summary>
    /// <param name="causal">The mask is causal: its blocks past the diagonal are drawn as the causal mask's, not as skipped.</param>
    /// <returns>The full path written.</returns>
    public static string Write(string path, SlaBlockMask mask, string title, string subtitle, bool causal = false)
    {
        PngFile.RequirePath(path);
        ArgumentNullException.ThrowIfNull(mask);
        var image = new RgbaImage(Width, Height);
        image.Clear(Rgba.White);
        PlotFont.Bold.Draw(image, title, Width / 2.0, 34, 20, PlotStyle.TitleInk, TextAlign.Center);
        PlotFont.Regular.Draw(image, subtitle, Width / 2.0, 62, 14, PlotStyle.SubtitleInk, TextAlign.Center);
        DrawCells(image, mask, causal);
        PlotStyle.Frame(image, MatrixArea);
        DrawAxes(image, mask.KeyBlocks, mask.QueryBlocks);
        DrawLegend(image, mask, causal);
        return PngFile.WriteAtomically(path, PngEncoder.Encode(image));
    }

    private static void DrawCells(RgbaImage image, SlaBlockMask mask, bool causal)
    {
        for (int y = (int)MatrixArea.Top; y < MatrixArea.Bottom; y++)
        {
            int row = Math.Min((int)((y + 0.5 - MatrixArea.Top) / MatrixArea.Height * mask.QueryBlocks), mask.QueryBlocks - 1);
            for (int x = (int)MatrixArea.Left; x < MatrixArea.Right; x++)
            {
                int column = Math.Min((int)((x + 0.5 - MatrixArea.Left) / MatrixArea.Width * mask.KeyBlocks), mask.KeyBlocks - 1);
                image[x, y] = causal && column > row ? FutureColor : mask[row, column] switch
                {
                    SlaBlockClass.Critical => CriticalColor,
                    SlaBlockClass.Negligible => NegligibleColor,
                    _ => MarginalColor,
                };
            }
        }
    }

    /// <summary>Ticks at block 0 and at quarters, at each block's centre; the axis names.</summary>
    private static void DrawAxes(RgbaImage image, int keyBlocks, int queryBlocks)
    {
        static IEnumerable<int> Ticks(int blocks) => Enumerable.Range(0, 5).Select(quarter => quarter * (blocks - 1) / 4).Distinct();
        PlotStyle.BottomTicks(image, MatrixArea.Bottom + 1, Ticks(keyBlocks).Select(block =>
            (MatrixArea.Left + ((block + 0.5) / keyBlocks * MatrixArea.Width), block.ToString(CultureInfo.InvariantCulture))));
        PlotStyle.LeftTicks(image, MatrixArea.Left, Ticks(queryBlocks).Select(block =>
            (MatrixArea.Top + ((block + 0.5) / queryBlocks * MatrixArea.Height), block.ToString(CultureInfo.InvariantCulture))));
        PlotFont.Regular.Draw(image, "key block (64 tokens)", MatrixArea.MidX, MatrixArea.Bottom + 38, PlotStyle.AxisLabelSize, PlotStyle.LabelInk, TextAlign.Center);
        PlotFont.Regular.Draw(image, "query block (64 tokens)", MatrixArea.Left - 52, MatrixArea.MidY, PlotStyle.AxisLabelSize, PlotStyle.LabelInk,
            TextAlign.Center, TextBaseline.Middle, TextDirection.Up);
    }

    /// <summary>A swatch and a label per class, in one row under the axis name.</summary>
    private static void DrawLegend(RgbaImage image, SlaBlockMask mask, bool causal)
    {
        double total = mask.Classes.Length;
        int future = causal ? CountFuture(mask) : 0;
        double Share(SlaBlockClass blockClass)
        {
            int count = 0;
            foreach (SlaBlockClass value in mask.Classes)
            {
                count += value == blockClass ? 1 : 0;
            }

            return (count - (blockClass == SlaBlockClass.Negligible ? future : 0)) / total;
        }

        List<(Rgba Color, string Label)> entries =
        [
            (CriticalColor, string.Create(CultureInfo.InvariantCulture, $"critical (exact) {Share(SlaBlockClass.Critical):P1}")),
            (MarginalColor, string.Create(CultureInfo.InvariantCulture, $"marginal (linear) {Share(SlaBlockClass.Marginal):P1}")),
            (NegligibleColor, string.Create(CultureInfo.InvariantCulture, $"negligible (skipped) {Share(SlaBlockClass.Negligible):P1}")),
        ];
        if (causal)
        {
            entries.Add((FutureColor, string.Create(CultureInfo.InvariantCulture, $"future (causal) {future / total:P1}")));
        }

        const double swatch = 18, gap = 8, spacing = 30, top = 815;
        double width = entries.Sum(entry => swatch + gap + PlotFont.Regular.Measure(entry.Label, PlotStyle.TickLabelSize + 1)) + (spacing * (entries.Count - 1));
        double x = (Width - width) / 2;
        foreach ((Rgba color, string label) in entries)
        {
            var box = new PixelRect((float)x, (float)top, (float)(x + swatch), (float)(top + swatch));
            image.FillRect(box, color);
            image.StrokeRect(box, 1, PlotStyle.Ink);
            PlotFont.Regular.Draw(image, label, x + swatch + gap, top + (swatch / 2), PlotStyle.TickLabelSize + 1, PlotStyle.LabelInk, TextAlign.Left, TextBaseline.Middle);
            x += swatch + gap + PlotFont.Regular.Measure(label, PlotStyle.TickLabelSize + 1) + spacing;
        }
    }

    /// <summary>Blocks past the diagonal (column greater than row).</summary>
    private static int CountFuture(SlaBlockMask mask)
    {
        int count = 0;
        for (int row = 0; row < mask.QueryBlocks; row++)
        {
            count += Math.Max(0, mask.KeyBlocks - row - 1);
        }

        return count;
    }
}

using System.Collections.Concurrent;
using System.Text;

namespace MInference.Cli.Plots.Rendering;

/// <summary>Where a string's anchor point is, horizontally.</summary>
internal enum TextAlign
{
    Left,
    Center,
    Right,
}

/// <summary>Where a string's anchor point is, vertically.</summary>
internal enum TextBaseline
{
    /// <summary>On the baseline.</summary>
    Baseline,

    /// <summary>At the font's ascender: the text hangs below the anchor.</summary>
    Top,

    /// <summary>Half the height of a capital above the baseline: the text is centered on the anchor.</summary>
    Middle,

    /// <summary>At the font's descender: the text sits above the anchor.</summary>
    Bottom,
}

/// <summary>Which way a string runs.</summary>
internal enum TextDirection
{
    /// <summary>Left to right.</summary>
    Horizontal,

    /// <summary>Turned 90° counter-clockwise: bottom to top (a y-axis label on the left).</summary>
    Up,

    /// <summary>Turned 90° clockwise: top to bottom (a label on the right).</summary>
    Down,
}

/// <summary>
/// Measures and draws strings in one <see cref="TrueTypeFont"/> at pixel sizes: glyphs by advance width (no
/// kerning), each rasterized once per size and quarter-pixel horizontal position and cached. Thread-safe.
/// </summary>
internal sealed class TextRenderer
{
    /// <summary>Horizontal glyph positions are rounded to 1/<see cref="SubpixelSteps"/> of a pixel.</summary>
    private const int SubpixelSteps = 4;

    private readonly ConcurrentDictionary<(int Glyph, float Size, int Subpixel), CoverageMask?> glyphs = new();
    private readonly double capHeight;

    public TextRenderer(TrueTypeFont font)
    {
        Font = font ?? throw new ArgumentNullException(nameof(font));
        int h = font.GlyphIndex('H');
        IReadOnlyList<OutlinePoint[]> contours = h == 0 ? [] : font.Contours(h);
        capHeight = contours.Count == 0 ? 0.7 * font.UnitsPerEm : contours.SelectMany(c => c).Max(point => point.Y);
    }

    public TrueTypeFont Font { get; }

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="size"/> pixels per em.</summary>
    public double Measure(string text, double size)
    {
        ArgumentNullException.ThrowIfNull(text);
        double units = 0;
        foreach (Rune rune in text.EnumerateRunes())
        {
            units += Font.Advance(Font.GlyphIndex(rune.Value));
        }
        return units * size / Font.UnitsPerEm;
    }

    /// <summary>Pixels from the baseline up to the ascender at <paramref name="size"/>.</summary>
    public double Ascent(double size) => Font.Ascender * size / Font.UnitsPerEm;

    /// <summary>Pixels from the baseline down to the descender at <paramref name="size"/> (positive).</summary>
    public double Descent(double size) => -Font.Descender * size / Font.UnitsPerEm;

    /// <summary>
    /// Draws <paramref name="text"/> at <paramref name="size"/> pixels per em with its anchor at (<paramref name="x"/>,
    /// <paramref name="y"/>); for turned text the alignments apply along and across the text as it reads.
    /// </summary>
    public void Draw(RgbaImage image, string text, double x, double y, double size, Rgba color,
        TextAlign align = TextAlign.Left, TextBaseline baseline = TextBaseline.Baseline, TextDirection direction = TextDirection.Horizontal)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(text);
        double along = align switch
        {
            TextAlign.Center => Measure(text, size) / 2,
            TextAlign.Right => Measure(text, size),
            _ => 0,
        };
        double across = baseline switch
        {
            TextBaseline.Top => Ascent(size),
            TextBaseline.Middle => capHeight * size / Font.UnitsPerEm / 2,
            TextBaseline.Bottom => -Descent(size),
            _ => 0,
        };
        if (direction == TextDirection.Horizontal)
        {
            // The pen starts at a fractional x (glyph positions are quarter pixels); the baseline is a whole pixel row.
            double penX = x - along;
            int originX = (int)Math.Floor(penX);
            CoverageMask? mask = RenderLine(text, size, penX - originX);
            if (mask is not null)
            {
                image.DrawMask(mask, originX, (int)Math.Round(y + across), color);
            }
            return;
        }
        CoverageMask? line = RenderLine(text, size, 0);
        if (line is null)
        {
            return;
        }
        // Text point (u along the baseline from the pen start, v down from the baseline) goes to the image at
        // anchor + (v - across, -(u - along)) turned up, or anchor + (-(v - across), u - along) turned down.
        int anchorX = (int)Math.Round(x), anchorY = (int)Math.Round(y);
        int alongPixels = (int)Math.Round(along), acrossPixels = (int)Math.Round(across);
        for (int row = 0; row < line.Height; row++)
        {
            for (int column = 0; column < line.Width; column++)
            {
                float coverage = line[column, row];
                if (coverage <= 0)
                {
                    continue;
                }
                int u = line.Left + column - alongPixels, v = line.Top + row + acrossPixels;
                if (direction == TextDirection.Up)
                {
                    image.Blend(anchorX + v, anchorY - u - 1, color, coverage);
                }
                else
                {
                    image.Blend(anchorX - v - 1, anchorY + u, color, coverage);
                }
            }
        }
    }

    /// <summary>The coverage of one line of text with the pen starting at (<paramref name="penX"/>, 0) on the baseline y = 0; null when nothing is inked.</summary>
    public CoverageMask? RenderLine(string text, double size, double penX = 0)
    {
        double scale = size / Font.UnitsPerEm;
        var placed = new List<(CoverageMask Mask, int X)>();
        double pen = penX;
        foreach (Rune rune in text.EnumerateRunes())
        {
            int glyph = Font.GlyphIndex(rune.Value);
            int whole = (int)Math.Floor(pen);
            int subpixel = (int)Math.Round((pen - whole) * SubpixelSteps);
            if (subpixel == SubpixelSteps)
            {
                whole++;
                subpixel = 0;
            }
            CoverageMask? mask = glyphs.GetOrAdd((glyph, (float)size, subpixel),
                key => GlyphRasterizer.Rasterize(Font.Contours(key.Glyph), key.Size / (double)Font.UnitsPerEm, (double)key.Subpixel / SubpixelSteps, 0));
            if (mask is not null)
            {
                placed.Add((mask, whole));
            }
            pen += Font.Advance(glyph) * scale;
        }
        if (placed.Count == 0)
        {
            return null;
        }
        int left = placed.Min(p => p.X + p.Mask.Left), right = placed.Max(p => p.X + p.Mask.Left + p.Mask.Width);
        int top = placed.Min(p => p.Mask.Top), bottom = placed.Max(p => p.Mask.Top + p.Mask.Height);
        var line = new CoverageMask(left, top, right - left, bottom - top);
        foreach ((CoverageMask mask, int x) in placed)
        {
            int offsetX = x + mask.Left - left, offsetY = mask.Top - top;
            for (int row = 0; row < mask.Height; row++)
            {
                for (int column = 0; column < mask.Width; column++)
                {
                    int index = (offsetY + row) * line.Width + offsetX + column;
                    line.Values[index] = Math.Min(1f, line.Values[index] + mask[column, row]);
                }
            }
        }
        return line;
    }
}

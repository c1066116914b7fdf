using MInference.Cli.Plots;
using MInference.Cli.Plots.Rendering;

namespace MInference.Tests.Plots.Rendering;

public sealed class TrueTypeFontTests
{
    private static TrueTypeFont Regular => PlotFont.Regular.Font;

    [Test]
    public void MapsCharactersToGlyphsWithWidths()
    {
        int a = Regular.GlyphIndex('A');
        Assert.Multiple(() =>
        {
            Assert.That(Regular.UnitsPerEm, Is.EqualTo(2048));
            Assert.That(a, Is.GreaterThan(0));
            Assert.That(Regular.Advance(a), Is.InRange(1000, 2000), "DejaVu's A is about 0.68 em wide");
            Assert.That(Regular.Advance(Regular.GlyphIndex('i')), Is.LessThan(Regular.Advance(a)));
            Assert.That(Regular.GlyphIndex(0x4E00), Is.Zero, "a character the subset lacks maps to .notdef");
            Assert.That(Regular.HasGlyph('≥') && Regular.HasGlyph('⁻') && Regular.HasGlyph('·'), Is.True);
            Assert.That(Regular.Ascender, Is.GreaterThan(0));
            Assert.That(Regular.Descender, Is.LessThan(0));
            Assert.That(Regular.Contours(Regular.GlyphIndex(' ')), Is.Empty, "a space has no outline");
        });
    }

    [Test]
    public void ResolvesCompositeGlyphs()
    {
        // é is e plus an acute accent above it (a composite glyph in DejaVu).
        IReadOnlyList<OutlinePoint[]> e = Regular.Contours(Regular.GlyphIndex('e'));
        IReadOnlyList<OutlinePoint[]> eAcute = Regular.Contours(Regular.GlyphIndex('é'));
        double eTop = e.SelectMany(contour => contour).Max(point => point.Y);
        Assert.Multiple(() =>
        {
            Assert.That(e, Has.Count.EqualTo(2), "e: the outer contour and the counter");
            Assert.That(eAcute, Has.Count.EqualTo(3));
            Assert.That(eAcute[^1].Min(point => point.Y), Is.GreaterThan(eTop), "the accent sits above the e");
        });
    }

    [Test]
    public void ACutShortFontIsInvalidData()
    {
        byte[] font = EmbeddedFontFiles.ReadTrueType(EmbeddedFontFiles.RegularResourceName);
        Assert.Multiple(() =>
        {
            Assert.That(() => new TrueTypeFont(font[..100]), Throws.InstanceOf<InvalidDataException>());
            Assert.That(() => new TrueTypeFont(new byte[64]), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("Not a TrueType font"));
        });
    }

    [Test]
    public void GlyphsRasterizeInsideTheirBoxes()
    {
        // H at 100 px: two stems and a bar; the top of the stems is the cap height, 0.729 em in DejaVu Sans.
        TrueTypeFont font = Regular;
        CoverageMask h = GlyphRasterizer.Rasterize(font.Contours(font.GlyphIndex('H')), 100.0 / font.UnitsPerEm, 0, 0)!;
        Assert.Multiple(() =>
        {
            Assert.That(h.Top, Is.InRange(-74, -72), "cap height above the baseline (y = 0)");
            Assert.That(h.Top + h.Height, Is.EqualTo(0), "sits on the baseline");
            Assert.That(h[h.Width / 2, h.Height / 2], Is.EqualTo(1).Within(1e-6), "the bar");
            Assert.That(h[h.Width / 2, 5], Is.Zero, "between the stems");
            Assert.That(h[2, 5], Is.EqualTo(1).Within(1e-6), "a stem");
        });
    }

    [Test]
    public void TextIsMeasuredAndDrawnWhereAnchored()
    {
        TextRenderer text = PlotFont.Regular;
        var image = new RgbaImage(200, 200);
        image.Clear(Rgba.White);
        text.Draw(image, "HH", 100, 50, 20, Rgba.Black, TextAlign.Center, TextBaseline.Baseline);
        text.Draw(image, "HHHH", 20, 150, 20, Rgba.Black, TextAlign.Center, TextBaseline.Middle, TextDirection.Up);
        (int Left, int Top, int Right, int Bottom) Ink(int x0, int y0, int x1, int y1)
        {
            int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
            for (int y = y0; y < y1; y++)
            {
                for (int x = x0; x < x1; x++)
                {
                    if (image[x, y].R < 128)
                    {
                        (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x), Math.Max(bottom, y));
                    }
                }
            }
            return (left, top, right, bottom);
        }
        var horizontal = Ink(50, 0, 200, 100);
        var up = Ink(0, 60, 50, 200);
        double width = text.Measure("HH", 20);
        Assert.Multiple(() =>
        {
            Assert.That(text.Measure("HH", 20), Is.EqualTo(2 * text.Measure("H", 20)).Within(1e-9));
            Assert.That(text.Measure("H", 40), Is.EqualTo(2 * text.Measure("H", 20)).Within(1e-9));
            Assert.That(horizontal.Bottom, Is.EqualTo(49), "on the baseline");
            Assert.That(horizontal.Top, Is.InRange(34, 36), "cap height 0.73 × 20 px above it");
            Assert.That((horizontal.Left + horizontal.Right + 1) / 2.0, Is.EqualTo(100).Within(1.5), "centered");
            Assert.That(horizontal.Right - horizontal.Left + 1, Is.InRange(width - 6, width), "the measured width less the side bearings");
            Assert.That(up.Bottom - up.Top, Is.GreaterThan(3 * (up.Right - up.Left)), "turned text is tall and narrow");
            Assert.That((up.Top + up.Bottom + 1) / 2.0, Is.EqualTo(150).Within(1.5), "centered along");
            Assert.That((up.Left + up.Right + 1) / 2.0, Is.EqualTo(20).Within(1.5), "centered across");
        });
    }
}

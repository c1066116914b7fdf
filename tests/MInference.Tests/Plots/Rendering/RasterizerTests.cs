using MInference.Cli.Plots.Rendering;

namespace MInference.Tests.Plots.Rendering;

public sealed class RasterizerTests
{
    private static PointD[] Square(double left, double top, double right, double bottom) =>
        [new(left, top), new(right, top), new(right, bottom), new(left, bottom)];

    private static float[,] Coverage(int width, int height, params PointD[][] polygons)
    {
        var path = new PathBuilder();
        foreach (PointD[] polygon in polygons)
        {
            path.AddPolygon(polygon);
        }
        var result = new float[width, height];
        CoverageMask? mask = PathRasterizer.Rasterize(path.Edges);
        if (mask is null)
        {
            return result;
        }
        for (int y = 0; y < mask.Height; y++)
        {
            for (int x = 0; x < mask.Width; x++)
            {
                int ix = mask.Left + x, iy = mask.Top + y;
                if (ix >= 0 && ix < width && iy >= 0 && iy < height)
                {
                    result[ix, iy] = mask[x, y];
                }
            }
        }
        return result;
    }

    [Test]
    public void AWholePixelSquareCoversExactlyItsPixels()
    {
        float[,] coverage = Coverage(6, 6, Square(1, 1, 4, 3));
        for (int y = 0; y < 6; y++)
        {
            for (int x = 0; x < 6; x++)
            {
                bool inside = x is >= 1 and < 4 && y is >= 1 and < 3;
                Assert.That(coverage[x, y], Is.EqualTo(inside ? 1 : 0).Within(1e-6), $"pixel ({x}, {y})");
            }
        }
    }

    [Test]
    public void HalfPixelEdgesCoverHalfAPixel()
    {
        float[,] coverage = Coverage(6, 6, Square(1.5, 1.5, 4, 4));
        Assert.Multiple(() =>
        {
            Assert.That(coverage[1, 2], Is.EqualTo(0.5).Within(1e-6), "left edge");
            Assert.That(coverage[2, 1], Is.EqualTo(0.5).Within(1e-6), "top edge");
            Assert.That(coverage[1, 1], Is.EqualTo(0.25).Within(1e-6), "corner");
            Assert.That(coverage[2, 2], Is.EqualTo(1).Within(1e-6));
        });
    }

    [Test]
    public void ADiagonalHalvesAPixel()
    {
        // A right triangle over pixel (0, 0) and beyond: its hypotenuse runs through (0, 0)–(1, 1) of each pixel on the diagonal.
        float[,] coverage = Coverage(4, 4, [new PointD(0, 0), new PointD(4, 4), new PointD(0, 4)]);
        Assert.Multiple(() =>
        {
            Assert.That(coverage[1, 1], Is.EqualTo(0.5).Within(0.01));
            Assert.That(coverage[0, 3], Is.EqualTo(1).Within(1e-6));
            Assert.That(coverage[3, 0], Is.EqualTo(0).Within(1e-6));
        });
    }

    [Test]
    public void NonZeroWindingUnitesOverlapsAndCutsReversedHoles()
    {
        PointD[] outer = Square(0, 0, 6, 6);
        float[,] overlapping = Coverage(8, 8, outer, Square(2, 2, 8, 8));
        float[,] holed = Coverage(8, 8, outer, [.. Square(2, 2, 4, 4).Reverse()]);
        Assert.Multiple(() =>
        {
            Assert.That(overlapping[3, 3], Is.EqualTo(1).Within(1e-6), "the overlap is covered once");
            Assert.That(overlapping[7, 7], Is.EqualTo(1).Within(1e-6));
            Assert.That(holed[3, 3], Is.EqualTo(0).Within(1e-6), "a contour running the other way is a hole");
            Assert.That(holed[1, 1], Is.EqualTo(1).Within(1e-6));
        });
    }

    [Test]
    public void ShapesAddedAsShapesUniteWhateverTheirDirection()
    {
        var path = new PathBuilder();
        path.AddShape(Square(0, 0, 4, 4));
        path.AddShape([.. Square(1, 1, 3, 3).Reverse()]);
        CoverageMask mask = PathRasterizer.Rasterize(path.Edges)!;
        Assert.That(mask[2, 2], Is.EqualTo(1).Within(1e-6));
    }

    [Test]
    public void LinesAndCirclesLandWhereDrawn()
    {
        var image = new RgbaImage(40, 40);
        image.Clear(Rgba.White);
        image.DrawLine(new PointD(5, 10.5), new PointD(35, 10.5), 1, Rgba.Black);
        image.FillCircle(new PointD(20, 30), 5, new Rgba(255, 0, 0));
        image.FillRect(0, 0, 2, 2, new Rgba(0, 0, 255, 128));
        Assert.Multiple(() =>
        {
            Assert.That(image[20, 10], Is.EqualTo(Rgba.Black), "a 1-pixel line on a pixel row's center fills that row");
            Assert.That(image[20, 9], Is.EqualTo(Rgba.White));
            Assert.That(image[20, 11], Is.EqualTo(Rgba.White));
            Assert.That(image[20, 30], Is.EqualTo(new Rgba(255, 0, 0)), "circle center");
            Assert.That(image[20, 37], Is.EqualTo(Rgba.White), "outside the circle");
            Assert.That(image[1, 1], Is.EqualTo(new Rgba(127, 127, 255)), "half-transparent blue over white");
        });
    }
}

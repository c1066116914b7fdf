namespace MInference.Cli.Plots.Rendering;

/// <summary>
/// An RGBA image in memory (8 bits a channel, straight alpha, row 0 at the top) that shapes are blended onto with
/// "source over": a shape's coverage of a pixel (0 to 1, for anti-aliased edges) scales its color's alpha.
/// </summary>
internal sealed class RgbaImage
{
    public RgbaImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        Pixels = new byte[checked(width * height * 4)];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>R, G, B, A of each pixel, row by row from the top.</summary>
    public byte[] Pixels { get; }

    public Rgba this[int x, int y]
    {
        get
        {
            int i = Index(x, y);
            return new Rgba(Pixels[i], Pixels[i + 1], Pixels[i + 2], Pixels[i + 3]);
        }
        set
        {
            int i = Index(x, y);
            Pixels[i] = value.R;
            Pixels[i + 1] = value.G;
            Pixels[i + 2] = value.B;
            Pixels[i + 3] = value.A;
        }
    }

    public void Clear(Rgba color)
    {
        for (int i = 0; i < Pixels.Length; i += 4)
        {
            Pixels[i] = color.R;
            Pixels[i + 1] = color.G;
            Pixels[i + 2] = color.B;
            Pixels[i + 3] = color.A;
        }
    }

    /// <summary>Blends <paramref name="color"/> onto pixel (x, y) with its alpha times <paramref name="coverage"/>; outside the image does nothing.</summary>
    public void Blend(int x, int y, Rgba color, double coverage = 1)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height || !(coverage > 0))
        {
            return;
        }
        double alpha = Math.Min(coverage, 1) * color.A / 255.0;
        int i = Index(x, y);
        if (alpha >= 1)
        {
            Pixels[i] = color.R;
            Pixels[i + 1] = color.G;
            Pixels[i + 2] = color.B;
            Pixels[i + 3] = 255;
            return;
        }
        double destinationAlpha = Pixels[i + 3] / 255.0;
        double outAlpha = alpha + destinationAlpha * (1 - alpha);
        if (outAlpha <= 0)
        {
            return;
        }
        for (int channel = 0; channel < 3; channel++)
        {
            byte source = channel switch { 0 => color.R, 1 => color.G, _ => color.B };
            double blended = (source * alpha + Pixels[i + channel] * destinationAlpha * (1 - alpha)) / outAlpha;
            Pixels[i + channel] = (byte)Math.Clamp(Math.Round(blended), 0, 255);
        }
        Pixels[i + 3] = (byte)Math.Clamp(Math.Round(outAlpha * 255), 0, 255);
    }

    /// <summary>Fills the axis-aligned rectangle, edge pixels by the fraction of them it covers.</summary>
    public void FillRect(double left, double top, double right, double bottom, Rgba color)
    {
        left = Math.Max(left, 0);
        top = Math.Max(top, 0);
        right = Math.Min(right, Width);
        bottom = Math.Min(bottom, Height);
        if (right <= left || bottom <= top)
        {
            return;
        }
        for (int y = (int)Math.Floor(top); y < bottom; y++)
        {
            double coverY = Math.Min(bottom, y + 1) - Math.Max(top, y);
            for (int x = (int)Math.Floor(left); x < right; x++)
            {
                double coverX = Math.Min(right, x + 1) - Math.Max(left, x);
                Blend(x, y, color, coverX * coverY);
            }
        }
    }

    public void FillRect(PixelRect rect, Rgba color) => FillRect(rect.Left, rect.Top, rect.Right, rect.Bottom, color);

    /// <summary>The outline of a rectangle, <paramref name="thickness"/> pixels wide, inside its edges.</summary>
    public void StrokeRect(PixelRect rect, double thickness, Rgba color)
    {
        FillRect(rect.Left, rect.Top, rect.Right, rect.Top + thickness, color);
        FillRect(rect.Left, rect.Bottom - thickness, rect.Right, rect.Bottom, color);
        FillRect(rect.Left, rect.Top + thickness, rect.Left + thickness, rect.Bottom - thickness, color);
        FillRect(rect.Right - thickness, rect.Top + thickness, rect.Right, rect.Bottom - thickness, color);
    }

    /// <summary>Fills closed polygons (each a list of points, closed implicitly) with the non-zero winding rule, anti-aliased.</summary>
    public void FillPath(IEnumerable<IReadOnlyList<PointD>> contours, Rgba color)
    {
        var path = new PathBuilder();
        foreach (IReadOnlyList<PointD> contour in contours)
        {
            path.AddPolygon(contour);
        }
        FillPath(path, color);
    }

    public void FillPath(PathBuilder path, Rgba color)
    {
        CoverageMask? mask = PathRasterizer.Rasterize(path.Edges);
        if (mask is not null)
        {
            DrawMask(mask, 0, 0, color);
        }
    }

    /// <summary>Blends <paramref name="color"/> through a coverage mask whose pixel (0, 0) lands on (<paramref name="x"/> + mask.Left, <paramref name="y"/> + mask.Top).</summary>
    public void DrawMask(CoverageMask mask, int x, int y, Rgba color)
    {
        for (int row = 0; row < mask.Height; row++)
        {
            for (int column = 0; column < mask.Width; column++)
            {
                float coverage = mask[column, row];
                if (coverage > 0)
                {
                    Blend(x + mask.Left + column, y + mask.Top + row, color, coverage);
                }
            }
        }
    }

    /// <summary>A straight line <paramref name="width"/> pixels wide with butt ends.</summary>
    public void DrawLine(PointD from, PointD to, double width, Rgba color)
    {
        var path = new PathBuilder();
        path.AddSegment(from, to, width);
        FillPath(path, color);
    }

    /// <summary>A polyline <paramref name="width"/> pixels wide with round joins (the union is filled once, so overlaps do not darken).</summary>
    public void DrawPolyline(IReadOnlyList<PointD> points, double width, Rgba color)
    {
        var path = new PathBuilder();
        for (int i = 0; i + 1 < points.Count; i++)
        {
            path.AddSegment(points[i], points[i + 1], width);
        }
        for (int i = 1; i + 1 < points.Count; i++)
        {
            path.AddCircle(points[i], width / 2);
        }
        FillPath(path, color);
    }

    /// <summary>A dashed straight line: <paramref name="dash"/> pixels drawn, <paramref name="gap"/> left out, from <paramref name="from"/> on.</summary>
    public void DrawDashedLine(PointD from, PointD to, double width, double dash, double gap, Rgba color)
    {
        double length = Math.Sqrt((to.X - from.X) * (to.X - from.X) + (to.Y - from.Y) * (to.Y - from.Y));
        if (length <= 0)
        {
            return;
        }
        var path = new PathBuilder();
        for (double start = 0; start < length; start += dash + gap)
        {
            double end = Math.Min(start + dash, length);
            path.AddSegment(At(start / length), At(end / length), width);
        }
        FillPath(path, color);

        PointD At(double t) => new(from.X + (to.X - from.X) * t, from.Y + (to.Y - from.Y) * t);
    }

    public void FillCircle(PointD center, double radius, Rgba color)
    {
        var path = new PathBuilder();
        path.AddCircle(center, radius);
        FillPath(path, color);
    }

    private int Index(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"Pixel ({x}, {y}) is outside the {Width}×{Height} image.");
        }
        return (y * Width + x) * 4;
    }
}

namespace MInference.Cli.Plots.Rendering;

/// <summary>A directed straight edge of a closed outline, in pixel coordinates (y grows downwards).</summary>
internal readonly record struct Edge(double X0, double Y0, double X1, double Y1);

/// <summary>How much of each pixel of a rectangle a shape covers, 0 to 1; pixel (0, 0) is image pixel (Left, Top).</summary>
internal sealed class CoverageMask
{
    public CoverageMask(int left, int top, int width, int height)
    {
        Left = left;
        Top = top;
        Width = width;
        Height = height;
        Values = new float[width * height];
    }

    public int Left { get; }

    public int Top { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Coverage row by row.</summary>
    public float[] Values { get; }

    public float this[int x, int y]
    {
        get => Values[y * Width + x];
        set => Values[y * Width + x] = value;
    }
}

/// <summary>
/// Turns closed outlines (lists of edges) into coverage masks with the non-zero winding rule. Each pixel row is
/// sampled on <see cref="SubScanlines"/> horizontal lines; along each, the spans inside the outline are added
/// exactly (fractions of the pixels where a span starts and ends), so coverage is exact horizontally and to 1/16
/// vertically.
/// </summary>
internal static class PathRasterizer
{
    public const int SubScanlines = 16;

    /// <summary>The coverage of the outline made of <paramref name="edges"/>, or null when it covers no pixel row.</summary>
    public static CoverageMask? Rasterize(IReadOnlyList<Edge> edges)
    {
        if (edges.Count == 0)
        {
            return null;
        }
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        foreach (Edge edge in edges)
        {
            minX = Math.Min(minX, Math.Min(edge.X0, edge.X1));
            maxX = Math.Max(maxX, Math.Max(edge.X0, edge.X1));
            minY = Math.Min(minY, Math.Min(edge.Y0, edge.Y1));
            maxY = Math.Max(maxY, Math.Max(edge.Y0, edge.Y1));
        }
        if (!double.IsFinite(minX) || !double.IsFinite(maxX) || !double.IsFinite(minY) || !double.IsFinite(maxY))
        {
            throw new ArgumentException("An outline has a coordinate that is not a finite number.", nameof(edges));
        }
        int left = (int)Math.Floor(minX), top = (int)Math.Floor(minY);
        int width = (int)Math.Ceiling(maxX) - left, height = (int)Math.Ceiling(maxY) - top;
        if (width <= 0 || height <= 0)
        {
            return null;
        }
        var mask = new CoverageMask(left, top, width, height);
        var crossings = new List<(double X, int Direction)>();
        const float Weight = 1f / SubScanlines;
        for (int row = 0; row < height; row++)
        {
            for (int sample = 0; sample < SubScanlines; sample++)
            {
                double y = top + row + (sample + 0.5) / SubScanlines;
                crossings.Clear();
                foreach (Edge edge in edges)
                {
                    // Half-open in y, so a vertex shared by two edges is crossed once.
                    if (edge.Y0 <= y && y < edge.Y1)
                    {
                        crossings.Add((edge.X0 + (y - edge.Y0) * (edge.X1 - edge.X0) / (edge.Y1 - edge.Y0), 1));
                    }
                    else if (edge.Y1 <= y && y < edge.Y0)
                    {
                        crossings.Add((edge.X0 + (y - edge.Y0) * (edge.X1 - edge.X0) / (edge.Y1 - edge.Y0), -1));
                    }
                }
                if (crossings.Count < 2)
                {
                    continue;
                }
                crossings.Sort(static (a, b) => a.X.CompareTo(b.X));
                int winding = 0;
                double spanStart = 0;
                foreach ((double x, int direction) in crossings)
                {
                    int before = winding;
                    winding += direction;
                    if (before == 0 && winding != 0)
                    {
                        spanStart = x;
                    }
                    else if (before != 0 && winding == 0)
                    {
                        AddSpan(mask, row, spanStart - left, x - left, Weight);
                    }
                }
            }
        }
        for (int i = 0; i < mask.Values.Length; i++)
        {
            mask.Values[i] = Math.Min(mask.Values[i], 1f);
        }
        return mask;
    }

    /// <summary>Adds <paramref name="weight"/> × the covered fraction of each pixel of row <paramref name="row"/> between mask x <paramref name="start"/> and <paramref name="end"/>.</summary>
    private static void AddSpan(CoverageMask mask, int row, double start, double end, float weight)
    {
        start = Math.Max(start, 0);
        end = Math.Min(end, mask.Width);
        if (end <= start)
        {
            return;
        }
        int first = (int)Math.Floor(start), last = (int)Math.Floor(end);
        int offset = row * mask.Width;
        if (first == last)
        {
            mask.Values[offset + first] += (float)(end - start) * weight;
            return;
        }
        mask.Values[offset + first] += (float)(first + 1 - start) * weight;
        for (int x = first + 1; x < last; x++)
        {
            mask.Values[offset + x] += weight;
        }
        if (last < mask.Width)
        {
            mask.Values[offset + last] += (float)(end - last) * weight;
        }
    }
}

/// <summary>Collects the edges of closed outlines for <see cref="PathRasterizer"/>.</summary>
internal sealed class PathBuilder
{
    private readonly List<Edge> edges = [];

    public IReadOnlyList<Edge> Edges => edges;

    /// <summary>A closed polygon as given (its direction matters for the winding rule: glyph holes run the other way).</summary>
    public void AddPolygon(IReadOnlyList<PointD> points)
    {
        for (int i = 0; i < points.Count; i++)
        {
            PointD from = points[i], to = points[(i + 1) % points.Count];
            if (from.Y != to.Y)
            {
                edges.Add(new Edge(from.X, from.Y, to.X, to.Y));
            }
        }
    }

    /// <summary>
    /// A closed polygon turned to run clockwise on screen, so that shapes added this way overlap into their union
    /// under the non-zero rule (opposite directions would cancel).
    /// </summary>
    public void AddShape(IReadOnlyList<PointD> points)
    {
        double area = 0;
        for (int i = 0; i < points.Count; i++)
        {
            PointD a = points[i], b = points[(i + 1) % points.Count];
            area += a.X * b.Y - b.X * a.Y;
        }
        AddPolygon(area >= 0 ? points : [.. points.Reverse()]);
    }

    /// <summary>The rectangle <paramref name="width"/> wide around the segment (butt ends).</summary>
    public void AddSegment(PointD from, PointD to, double width)
    {
        double dx = to.X - from.X, dy = to.Y - from.Y, length = Math.Sqrt(dx * dx + dy * dy);
        if (length <= 0)
        {
            return;
        }
        double nx = -dy / length * width / 2, ny = dx / length * width / 2;
        AddShape([new(from.X + nx, from.Y + ny), new(to.X + nx, to.Y + ny), new(to.X - nx, to.Y - ny), new(from.X - nx, from.Y - ny)]);
    }

    public void AddCircle(PointD center, double radius)
    {
        if (!(radius > 0))
        {
            return;
        }
        int sides = Math.Clamp((int)Math.Ceiling(2 * Math.PI * radius / 1.5), 12, 96);
        var points = new PointD[sides];
        for (int i = 0; i < sides; i++)
        {
            double angle = 2 * Math.PI * i / sides;
            points[i] = new PointD(center.X + radius * Math.Cos(angle), center.Y + radius * Math.Sin(angle));
        }
        AddShape(points);
    }
}

namespace MInference.Cli.Plots.Rendering;

/// <summary>
/// Turns TrueType glyph outlines (lines and quadratic Béziers, font units, y up) into pixel edges (y down) and
/// coverage masks.
/// </summary>
internal static class GlyphRasterizer
{
    /// <summary>How far, in pixels, a flattened curve may stray from the true one.</summary>
    private const double Tolerance = 0.05;

    /// <summary>
    /// The coverage of <paramref name="contours"/> scaled by <paramref name="scale"/> (pixels per font unit) with the
    /// glyph origin at pixel position (<paramref name="originX"/>, <paramref name="originY"/>) — the baseline is
    /// y = originY. Null for a glyph without outline.
    /// </summary>
    public static CoverageMask? Rasterize(IReadOnlyList<OutlinePoint[]> contours, double scale, double originX, double originY)
    {
        var path = new PathBuilder();
        foreach (OutlinePoint[] contour in contours)
        {
            List<PointD> polygon = Flatten(contour, point => new PointD(originX + point.X * scale, originY - point.Y * scale));
            if (polygon.Count >= 3)
            {
                path.AddPolygon(polygon);
            }
        }
        return PathRasterizer.Rasterize(path.Edges);
    }

    /// <summary>
    /// One closed contour as a polygon: on-curve points joined by lines, an off-curve point between two on-curve
    /// points a quadratic control point, two off-curve points in a row with an implied on-curve point midway.
    /// </summary>
    public static List<PointD> Flatten(IReadOnlyList<OutlinePoint> contour, Func<OutlinePoint, PointD> toPixels)
    {
        var result = new List<PointD>();
        int count = contour.Count;
        if (count == 0)
        {
            return result;
        }
        // Make the implied on-curve points explicit.
        var points = new List<(PointD Point, bool OnCurve)>(2 * count);
        for (int i = 0; i < count; i++)
        {
            OutlinePoint point = contour[i], next = contour[(i + 1) % count];
            PointD pixel = toPixels(point);
            points.Add((pixel, point.OnCurve));
            if (!point.OnCurve && !next.OnCurve)
            {
                PointD nextPixel = toPixels(next);
                points.Add((new PointD((pixel.X + nextPixel.X) / 2, (pixel.Y + nextPixel.Y) / 2), true));
            }
        }
        int start = points.FindIndex(point => point.OnCurve);
        if (start < 0)
        {
            return result;
        }
        int n = points.Count;
        PointD current = points[start].Point;
        result.Add(current);
        for (int step = 1; step <= n; step++)
        {
            (PointD point, bool onCurve) = points[(start + step) % n];
            if (onCurve)
            {
                if (step < n)
                {
                    result.Add(point);
                }
                current = point;
                continue;
            }
            // A control point: the next point is on the curve (implied points were added).
            step++;
            PointD end = points[(start + step) % n].Point;
            AddQuadratic(result, current, point, end, addEnd: step < n);
            current = end;
        }
        return result;
    }

    private static void AddQuadratic(List<PointD> result, PointD from, PointD control, PointD to, bool addEnd)
    {
        // The flattening error of n equal steps is at most |from - 2 control + to| / (8 n²).
        double ddx = from.X - 2 * control.X + to.X, ddy = from.Y - 2 * control.Y + to.Y;
        double deviation = Math.Sqrt(ddx * ddx + ddy * ddy);
        int steps = Math.Clamp((int)Math.Ceiling(Math.Sqrt(deviation / (8 * Tolerance))), 1, 64);
        for (int i = 1; i <= steps; i++)
        {
            if (i == steps && !addEnd)
            {
                break;
            }
            double t = (double)i / steps, u = 1 - t;
            result.Add(new PointD(
                u * u * from.X + 2 * u * t * control.X + t * t * to.X,
                u * u * from.Y + 2 * u * t * control.Y + t * t * to.Y));
        }
    }
}

using System.Buffers.Binary;
using System.Text;

namespace MInference.Cli.Plots.Rendering;

/// <summary>One point of a glyph outline in font units (y grows upwards), on the curve or a quadratic control point.</summary>
internal readonly record struct OutlinePoint(double X, double Y, bool OnCurve);

/// <summary>
/// The parts of a TrueType font (glyf outlines) that drawing text needs: character to glyph (cmap formats 4 and
/// 12), advance widths (hmtx), vertical metrics (hhea), and each glyph's contours (simple and composite glyphs,
/// from loca and glyf). No hinting, no kerning. Read once from the font's bytes; immutable after.
/// </summary>
internal sealed class TrueTypeFont
{
    private readonly byte[] data;
    private readonly Dictionary<string, (int Offset, int Length)> tables = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> characterToGlyph = [];
    private readonly int[] glyphOffsets;
    private readonly ushort[] advances;
    private readonly int glyfOffset;

    /// <exception cref="InvalidDataException">The bytes are not a TrueType font with glyf outlines, or a table it needs is missing or cut short.</exception>
    public TrueTypeFont(byte[] trueType)
    {
        data = trueType ?? throw new ArgumentNullException(nameof(trueType));
        try
        {
            uint version = U32(0);
            if (version is not (0x00010000 or 0x74727565)) // 1.0 or 'true'
            {
                throw new InvalidDataException($"Not a TrueType font (version 0x{version:X8}).");
            }
            int tableCount = U16(4);
            for (int i = 0; i < tableCount; i++)
            {
                int record = 12 + 16 * i;
                string tag = Encoding.ASCII.GetString(data, record, 4);
                int offset = checked((int)U32(record + 8)), length = checked((int)U32(record + 12));
                if (offset < 0 || length < 0 || offset + length > data.Length)
                {
                    throw new InvalidDataException($"Table '{tag}' lies outside the font's {data.Length} bytes.");
                }
                tables[tag] = (offset, length);
            }

            int head = Table("head");
            UnitsPerEm = U16(head + 18);
            if (UnitsPerEm == 0)
            {
                throw new InvalidDataException("The font's unitsPerEm is 0.");
            }
            bool longOffsets = I16(head + 50) != 0;

            int hhea = Table("hhea");
            Ascender = I16(hhea + 4);
            Descender = I16(hhea + 6);
            LineGap = I16(hhea + 8);
            int metricsCount = U16(hhea + 34);

            GlyphCount = U16(Table("maxp") + 4);
            if (metricsCount == 0 || metricsCount > GlyphCount)
            {
                throw new InvalidDataException($"The font has {metricsCount} horizontal metrics for {GlyphCount} glyphs.");
            }
            int hmtx = Table("hmtx");
            advances = new ushort[GlyphCount];
            for (int glyph = 0; glyph < GlyphCount; glyph++)
            {
                advances[glyph] = U16(hmtx + 4 * Math.Min(glyph, metricsCount - 1));
            }

            int loca = Table("loca");
            glyfOffset = Table("glyf");
            glyphOffsets = new int[GlyphCount + 1];
            for (int glyph = 0; glyph <= GlyphCount; glyph++)
            {
                glyphOffsets[glyph] = longOffsets ? checked((int)U32(loca + 4 * glyph)) : 2 * U16(loca + 2 * glyph);
            }

            ReadCharacterMap(Table("cmap"));
            FamilyName = ReadFamilyName();
            WeightClass = tables.TryGetValue("OS/2", out var os2) ? U16(os2.Offset + 4) : 400;
        }
        catch (Exception exception) when (exception is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new InvalidDataException("The font is cut short or has an offset outside its bytes.", exception);
        }
    }

    /// <summary>Font units per em: a glyph drawn at size S pixels is scaled by S / UnitsPerEm.</summary>
    public int UnitsPerEm { get; }

    /// <summary>hhea ascender, font units above the baseline.</summary>
    public int Ascender { get; }

    /// <summary>hhea descender, font units (negative: below the baseline).</summary>
    public int Descender { get; }

    public int LineGap { get; }

    public int GlyphCount { get; }

    /// <summary>The family name from the name table (name ID 1), e.g. "DejaVu Sans"; empty when there is none.</summary>
    public string FamilyName { get; }

    /// <summary>OS/2 usWeightClass: 400 regular, 700 bold.</summary>
    public int WeightClass { get; }

    /// <summary>The glyph of a character (a Unicode code point), or 0 (.notdef) when the font has none.</summary>
    public int GlyphIndex(int codePoint) => characterToGlyph.GetValueOrDefault(codePoint);

    public bool HasGlyph(int codePoint) => GlyphIndex(codePoint) != 0;

    /// <summary>Advance width of a glyph in font units.</summary>
    public int Advance(int glyph) => advances[Math.Clamp(glyph, 0, GlyphCount - 1)];

    /// <summary>
    /// The glyph's closed contours in font units, with composite glyphs resolved into their components' contours
    /// (transformed). Empty for a glyph without outline (space).
    /// </summary>
    public IReadOnlyList<OutlinePoint[]> Contours(int glyph)
    {
        var contours = new List<OutlinePoint[]>();
        try
        {
            AddContours(glyph, (1, 0, 0, 1, 0, 0), contours, depth: 0);
        }
        catch (Exception exception) when (exception is IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"Glyph {glyph} is cut short or has an offset outside the font.", exception);
        }
        return contours;
    }

    private void AddContours(int glyph, (double A, double B, double C, double D, double E, double F) transform, List<OutlinePoint[]> contours, int depth)
    {
        if (glyph < 0 || glyph >= GlyphCount || depth > 8)
        {
            return;
        }
        int start = glyphOffsets[glyph], end = glyphOffsets[glyph + 1];
        if (end <= start)
        {
            return;
        }
        int at = glyfOffset + start;
        int contourCount = I16(at);
        if (contourCount >= 0)
        {
            foreach (OutlinePoint[] contour in SimpleContours(at, contourCount))
            {
                contours.Add([.. contour.Select(point => new OutlinePoint(
                    transform.A * point.X + transform.C * point.Y + transform.E,
                    transform.B * point.X + transform.D * point.Y + transform.F,
                    point.OnCurve))]);
            }
            return;
        }

        // Composite: components, each a glyph with a 2×2 transform and an offset.
        int p = at + 10;
        ushort flags;
        do
        {
            flags = U16(p);
            int component = U16(p + 2);
            p += 4;
            double dx, dy;
            if ((flags & 0x0001) != 0) // ARG_1_AND_2_ARE_WORDS
            {
                dx = I16(p);
                dy = I16(p + 2);
                p += 4;
            }
            else
            {
                dx = (sbyte)data[p];
                dy = (sbyte)data[p + 1];
                p += 2;
            }
            if ((flags & 0x0002) == 0) // point matching instead of an offset: rare; placed unshifted
            {
                dx = dy = 0;
            }
            double a = 1, b = 0, c = 0, d = 1;
            if ((flags & 0x0008) != 0) // WE_HAVE_A_SCALE
            {
                a = d = F2Dot14(p);
                p += 2;
            }
            else if ((flags & 0x0040) != 0) // WE_HAVE_AN_X_AND_Y_SCALE
            {
                a = F2Dot14(p);
                d = F2Dot14(p + 2);
                p += 4;
            }
            else if ((flags & 0x0080) != 0) // WE_HAVE_A_TWO_BY_TWO
            {
                a = F2Dot14(p);
                b = F2Dot14(p + 2);
                c = F2Dot14(p + 4);
                d = F2Dot14(p + 6);
                p += 8;
            }
            // The component's transform, then the parent's.
            var combined = (
                transform.A * a + transform.C * b,
                transform.B * a + transform.D * b,
                transform.A * c + transform.C * d,
                transform.B * c + transform.D * d,
                transform.A * dx + transform.C * dy + transform.E,
                transform.B * dx + transform.D * dy + transform.F);
            AddContours(component, combined, contours, depth + 1);
        }
        while ((flags & 0x0020) != 0); // MORE_COMPONENTS
    }

    private List<OutlinePoint[]> SimpleContours(int at, int contourCount)
    {
        var endPoints = new int[contourCount];
        for (int i = 0; i < contourCount; i++)
        {
            endPoints[i] = U16(at + 10 + 2 * i);
        }
        int pointCount = contourCount == 0 ? 0 : endPoints[^1] + 1;
        int p = at + 10 + 2 * contourCount;
        p += 2 + U16(p); // instructions

        var flags = new byte[pointCount];
        for (int i = 0; i < pointCount;)
        {
            byte flag = data[p++];
            flags[i++] = flag;
            if ((flag & 0x08) != 0) // REPEAT_FLAG
            {
                for (int repeat = data[p++]; repeat > 0 && i < pointCount; repeat--)
                {
                    flags[i++] = flag;
                }
            }
        }
        var xs = new int[pointCount];
        var ys = new int[pointCount];
        p = ReadCoordinates(p, flags, xs, shortBit: 0x02, sameOrPositiveBit: 0x10);
        ReadCoordinates(p, flags, ys, shortBit: 0x04, sameOrPositiveBit: 0x20);

        var contours = new List<OutlinePoint[]>(contourCount);
        int first = 0;
        foreach (int last in endPoints)
        {
            if (last < first || last >= pointCount)
            {
                throw new InvalidDataException("A glyph's contour end points are out of order.");
            }
            var contour = new OutlinePoint[last - first + 1];
            for (int i = first; i <= last; i++)
            {
                contour[i - first] = new OutlinePoint(xs[i], ys[i], (flags[i] & 0x01) != 0);
            }
            contours.Add(contour);
            first = last + 1;
        }
        return contours;
    }

    private int ReadCoordinates(int p, byte[] flags, int[] values, int shortBit, int sameOrPositiveBit)
    {
        int value = 0;
        for (int i = 0; i < flags.Length; i++)
        {
            byte flag = flags[i];
            if ((flag & shortBit) != 0)
            {
                int delta = data[p++];
                value += (flag & sameOrPositiveBit) != 0 ? delta : -delta;
            }
            else if ((flag & sameOrPositiveBit) == 0)
            {
                value += I16(p);
                p += 2;
            }
            values[i] = value;
        }
        return p;
    }

    private void ReadCharacterMap(int cmap)
    {
        int count = U16(cmap + 2);
        int best = -1, bestRank = int.MaxValue;
        for (int i = 0; i < count; i++)
        {
            int record = cmap + 4 + 8 * i;
            int platform = U16(record), encoding = U16(record + 2);
            int subtable = cmap + checked((int)U32(record + 4));
            int format = U16(subtable);
            // Full Unicode (format 12) first, then the BMP (format 4); Windows or Unicode platform.
            int rank = (platform, encoding, format) switch
            {
                (3, 10, 12) or (0, 4, 12) or (0, 6, 12) => 0,
                (3, 1, 4) or (0, 3, 4) or (0, 1, 4) or (0, 0, 4) => 1,
                _ => int.MaxValue,
            };
            if (rank < bestRank)
            {
                best = subtable;
                bestRank = rank;
            }
        }
        if (best < 0)
        {
            throw new InvalidDataException("The font has no Unicode character map (cmap format 4 or 12).");
        }
        if (U16(best) == 12)
        {
            uint groups = U32(best + 12);
            for (uint group = 0; group < groups; group++)
            {
                int record = best + 16 + checked((int)(12 * group));
                uint first = U32(record), last = U32(record + 4), glyph = U32(record + 8);
                for (uint code = first; code <= last && code <= 0x10FFFF; code++)
                {
                    characterToGlyph.TryAdd((int)code, (int)(glyph + code - first));
                }
            }
            return;
        }
        int segments = U16(best + 6) / 2;
        int endCodes = best + 14, startCodes = endCodes + 2 * segments + 2;
        int deltas = startCodes + 2 * segments, rangeOffsets = deltas + 2 * segments;
        for (int segment = 0; segment < segments; segment++)
        {
            int last = U16(endCodes + 2 * segment), first = U16(startCodes + 2 * segment);
            int delta = I16(deltas + 2 * segment);
            int rangeOffsetAt = rangeOffsets + 2 * segment, rangeOffset = U16(rangeOffsetAt);
            for (int code = first; code <= last && code != 0xFFFF; code++)
            {
                int glyph;
                if (rangeOffset == 0)
                {
                    glyph = (code + delta) & 0xFFFF;
                }
                else
                {
                    glyph = U16(rangeOffsetAt + rangeOffset + 2 * (code - first));
                    glyph = glyph == 0 ? 0 : (glyph + delta) & 0xFFFF;
                }
                if (glyph != 0 && glyph < GlyphCount)
                {
                    characterToGlyph.TryAdd(code, glyph);
                }
            }
        }
    }

    private string ReadFamilyName()
    {
        if (!tables.TryGetValue("name", out var name))
        {
            return "";
        }
        int count = U16(name.Offset + 2), strings = name.Offset + U16(name.Offset + 4);
        string? mac = null;
        for (int i = 0; i < count; i++)
        {
            int record = name.Offset + 6 + 12 * i;
            int platform = U16(record), nameId = U16(record + 6), length = U16(record + 8), offset = U16(record + 10);
            if (nameId != 1)
            {
                continue;
            }
            if (platform is 0 or 3)
            {
                return Encoding.BigEndianUnicode.GetString(data, strings + offset, length);
            }
            if (platform == 1)
            {
                mac ??= Encoding.Latin1.GetString(data, strings + offset, length);
            }
        }
        return mac ?? "";
    }

    private int Table(string tag) => tables.TryGetValue(tag, out var table)
        ? table.Offset
        : throw new InvalidDataException($"The font has no '{tag}' table.");

    private ushort U16(int at) => BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at, 2));

    private short I16(int at) => BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(at, 2));

    private uint U32(int at) => BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at, 4));

    private double F2Dot14(int at) => I16(at) / 16384.0;
}

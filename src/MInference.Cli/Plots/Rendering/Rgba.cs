using System.Globalization;

namespace MInference.Cli.Plots.Rendering;

/// <summary>An 8-bit color with straight (not premultiplied) alpha.</summary>
internal readonly record struct Rgba(byte R, byte G, byte B, byte A = 255)
{
    public static readonly Rgba White = new(255, 255, 255);
    public static readonly Rgba Black = new(0, 0, 0);

    /// <summary>"#RRGGBB" or "#RRGGBBAA".</summary>
    public static Rgba FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        string digits = hex.TrimStart('#');
        if (digits.Length is not (6 or 8))
        {
            throw new ArgumentException($"'{hex}' is not a #RRGGBB or #RRGGBBAA color.", nameof(hex));
        }
        uint value = uint.Parse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return digits.Length == 6
            ? new Rgba((byte)(value >> 16), (byte)(value >> 8), (byte)value)
            : new Rgba((byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value);
    }

    /// <summary>The color <paramref name="t"/> of the way from <paramref name="from"/> to <paramref name="to"/> (t clamped to [0, 1]).</summary>
    public static Rgba Lerp(Rgba from, Rgba to, double t)
    {
        t = Math.Clamp(t, 0, 1);
        static byte Mix(byte a, byte b, double t) => (byte)Math.Round(a + (b - a) * t);
        return new Rgba(Mix(from.R, to.R, t), Mix(from.G, to.G, t), Mix(from.B, to.B, t), Mix(from.A, to.A, t));
    }
}

/// <summary>A rectangle in pixel coordinates (y grows downwards).</summary>
internal readonly record struct PixelRect(float Left, float Top, float Right, float Bottom)
{
    public float Width => Right - Left;

    public float Height => Bottom - Top;

    public float MidX => (Left + Right) / 2;

    public float MidY => (Top + Bottom) / 2;
}

/// <summary>A point in pixel coordinates.</summary>
internal readonly record struct PointD(double X, double Y);

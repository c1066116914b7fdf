using System.Buffers.Binary;
using SkiaSharp;

namespace MInference.Tests.Plots;

/// <summary>What the plot tests read back from a PNG: its header, and pixels where a test needs them.</summary>
internal static class PngImage
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Asserts the file is a PNG of <paramref name="width"/>×<paramref name="height"/> pixels and of more than <paramref name="minimumBytes"/>.</summary>
    public static void AssertPng(string path, int width, int height, int minimumBytes = 10_000)
    {
        Assert.That(File.Exists(path), Is.True, $"{path} was not written");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.That(bytes, Has.Length.GreaterThan(33), "too short for a PNG header");
        Assert.Multiple(() =>
        {
            Assert.That(bytes.AsSpan(0, 8).ToArray(), Is.EqualTo(Signature), "PNG signature");
            // The first chunk is IHDR: 4 bytes length, "IHDR", then width and height, big-endian.
            Assert.That(System.Text.Encoding.ASCII.GetString(bytes, 12, 4), Is.EqualTo("IHDR"));
            Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)), Is.EqualTo(width), "IHDR width");
            Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)), Is.EqualTo(height), "IHDR height");
            Assert.That(bytes, Has.Length.GreaterThan(minimumBytes), "a plot with axes and text is not that small");
        });
    }

    /// <summary>The color at (<paramref name="x"/>, <paramref name="y"/>), decoded with SkiaSharp.</summary>
    public static SKColor PixelAt(string path, float x, float y)
    {
        using SKBitmap bitmap = SKBitmap.Decode(path) ?? throw new AssertionException($"{path} does not decode as an image");
        return bitmap.GetPixel((int)x, (int)y);
    }

    public static bool IsWhite(SKColor color) => color is { Red: 255, Green: 255, Blue: 255 };
}

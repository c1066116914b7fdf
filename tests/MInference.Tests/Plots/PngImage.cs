using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MInference.Cli.Plots.Rendering;

namespace MInference.Tests.Plots;

/// <summary>
/// What the plot tests read back from a PNG: its header, and pixels where a test needs them. Decodes 8-bit
/// grayscale, RGB and RGBA PNGs (no interlacing) on its own, checking every chunk's CRC.
/// </summary>
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
            Assert.That(Encoding.ASCII.GetString(bytes, 12, 4), Is.EqualTo("IHDR"));
            Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)), Is.EqualTo(width), "IHDR width");
            Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)), Is.EqualTo(height), "IHDR height");
            Assert.That(bytes, Has.Length.GreaterThan(minimumBytes), "a plot with axes and text is not that small");
        });
        RgbaImage image = Decode(bytes);
        Assert.That((image.Width, image.Height), Is.EqualTo((width, height)), "the pixels decode");
    }

    /// <summary>The color at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public static Rgba PixelAt(string path, float x, float y) => Decode(File.ReadAllBytes(path))[(int)x, (int)y];

    public static bool IsWhite(Rgba color) => color is { R: 255, G: 255, B: 255 };

    /// <summary>Decodes a PNG into RGBA pixels; throws AssertionException where it is not a PNG this reader knows.</summary>
    public static RgbaImage Decode(byte[] png)
    {
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new AssertionException("no PNG signature");
        }
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        bool ended = false;
        for (int at = 8; at < png.Length && !ended;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            ReadOnlySpan<byte> data = png.AsSpan(at + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            if (Crc32.Compute(png.AsSpan(at + 4, 4 + length)) != crc)
            {
                throw new AssertionException($"chunk {type} has a wrong CRC");
            }
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    if (data[8] != 8 || data[12] != 0)
                    {
                        throw new AssertionException($"bit depth {data[8]}, interlace {data[12]}: not read here");
                    }
                    channels = data[9] switch
                    {
                        0 => 1,
                        2 => 3,
                        4 => 2,
                        6 => 4,
                        _ => throw new AssertionException($"color type {data[9]}: not read here"),
                    };
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    ended = true;
                    break;
            }
            at += 12 + length;
        }
        if (!ended || channels == 0)
        {
            throw new AssertionException("no IHDR or no IEND");
        }

        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var rawStream = new MemoryStream();
        zlib.CopyTo(rawStream);
        byte[] raw = rawStream.ToArray();
        int stride = width * channels;
        if (raw.Length != height * (stride + 1))
        {
            throw new AssertionException($"{raw.Length} bytes of image data, not {height * (stride + 1)}");
        }
        var image = new RgbaImage(width, height);
        var previous = new byte[stride];
        var current = new byte[stride];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            for (int i = 0; i < stride; i++)
            {
                int left = i >= channels ? current[i - channels] : 0, up = previous[i], upLeft = i >= channels ? previous[i - channels] : 0;
                int predicted = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => PaethPredictor(left, up, upLeft),
                    _ => throw new AssertionException($"row {y} has filter type {filter}"),
                };
                current[i] = (byte)(raw[y * (stride + 1) + 1 + i] + predicted);
            }
            for (int x = 0; x < width; x++)
            {
                int p = x * channels;
                image[x, y] = channels switch
                {
                    1 => new Rgba(current[p], current[p], current[p]),
                    2 => new Rgba(current[p], current[p], current[p], current[p + 1]),
                    3 => new Rgba(current[p], current[p + 1], current[p + 2]),
                    _ => new Rgba(current[p], current[p + 1], current[p + 2], current[p + 3]),
                };
            }
            (previous, current) = (current, previous);
        }
        return image;
    }

    private static int PaethPredictor(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}

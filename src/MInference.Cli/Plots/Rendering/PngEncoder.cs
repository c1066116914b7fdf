using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MInference.Cli.Plots.Rendering;

/// <summary>
/// Encodes an <see cref="RgbaImage"/> as a PNG: 8-bit RGB when every pixel is opaque, else 8-bit RGBA;
/// each row with the filter (None, Sub, Up, Average or Paeth) that leaves the smallest sum of absolute values;
/// one zlib-compressed IDAT chunk.
/// </summary>
internal static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(RgbaImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        bool opaque = true;
        for (int i = 3; i < image.Pixels.Length && opaque; i += 4)
        {
            opaque = image.Pixels[i] == 255;
        }
        int channels = opaque ? 3 : 4;
        int stride = image.Width * channels;

        var raw = new byte[image.Height * stride];
        for (int pixel = 0, target = 0; pixel < image.Width * image.Height; pixel++)
        {
            for (int channel = 0; channel < channels; channel++)
            {
                raw[target++] = image.Pixels[4 * pixel + channel];
            }
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var filtered = new byte[1 + stride];
            var candidate = new byte[1 + stride];
            for (int row = 0; row < image.Height; row++)
            {
                ReadOnlySpan<byte> current = raw.AsSpan(row * stride, stride);
                ReadOnlySpan<byte> previous = row == 0 ? new byte[stride] : raw.AsSpan((row - 1) * stride, stride);
                long best = long.MaxValue;
                for (byte filter = 0; filter <= 4; filter++)
                {
                    long cost = Filter(filter, current, previous, channels, candidate);
                    if (cost < best)
                    {
                        best = cost;
                        (filtered, candidate) = (candidate, filtered);
                    }
                }
                zlib.Write(filtered);
            }
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), image.Height);
        header[8] = 8; // bits per channel
        header[9] = (byte)(opaque ? 2 : 6); // truecolor, or truecolor with alpha
        // compression 0 (zlib), filter method 0, no interlace

        using var png = new MemoryStream();
        png.Write(Signature);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Writes length, type, data and the CRC-32 of type and data.</summary>
    public static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        if (typeBytes.Length != 4)
        {
            throw new ArgumentException($"A PNG chunk type has 4 letters, not '{type}'.", nameof(type));
        }
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        stream.Write(number);
        stream.Write(typeBytes);
        stream.Write(data);
        uint crc = Crc32.Append(Crc32.Append(Crc32.Initial, typeBytes), data);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32.Finish(crc));
        stream.Write(number);
    }

    /// <summary>Writes the filter type and the filtered row into <paramref name="output"/>; returns the sum of the bytes as signed values' magnitudes.</summary>
    private static long Filter(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, int channels, Span<byte> output)
    {
        output[0] = filter;
        long cost = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int left = i >= channels ? row[i - channels] : 0;
            int up = above[i];
            int upLeft = i >= channels ? above[i - channels] : 0;
            int predicted = filter switch
            {
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => Paeth(left, up, upLeft),
                _ => 0,
            };
            byte value = (byte)(row[i] - predicted);
            output[1 + i] = value;
            cost += value < 128 ? value : 256 - value;
        }
        return cost;
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        int estimate = left + up - upLeft;
        int toLeft = Math.Abs(estimate - left), toUp = Math.Abs(estimate - up), toUpLeft = Math.Abs(estimate - upLeft);
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }
}

/// <summary>CRC-32 as PNG (and zlib's gzip, Ethernet) use it: polynomial 0xEDB88320 (reflected), initial and final XOR 0xFFFFFFFF.</summary>
internal static class Crc32
{
    public const uint Initial = 0xFFFFFFFF;

    private static readonly uint[] Table = MakeTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));

    /// <summary>Continues a running CRC (start from <see cref="Initial"/>) over more bytes.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc;
    }

    public static uint Finish(uint crc) => crc ^ 0xFFFFFFFF;

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}

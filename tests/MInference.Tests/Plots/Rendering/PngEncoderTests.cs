using System.Buffers.Binary;
using System.Text;
using MInference.Cli.Plots.Rendering;

namespace MInference.Tests.Plots.Rendering;

public sealed class PngEncoderTests
{
    [Test]
    public void Crc32MatchesTheStandardCheckValue()
    {
        Assert.Multiple(() =>
        {
            // The check value of CRC-32 (ISO-HDLC, as PNG and gzip use it).
            Assert.That(Crc32.Compute("123456789"u8), Is.EqualTo(0xCBF43926u));
            Assert.That(Crc32.Compute([]), Is.EqualTo(0u));
            Assert.That(Crc32.Finish(Crc32.Append(Crc32.Append(Crc32.Initial, "1234"u8), "56789"u8)), Is.EqualTo(0xCBF43926u), "in pieces");
        });
    }

    [Test]
    public void AnIendChunkHasTheWellKnownCrc()
    {
        using var stream = new MemoryStream();
        PngEncoder.WriteChunk(stream, "IEND", []);
        Assert.That(stream.ToArray(), Is.EqualTo(new byte[] { 0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82 }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void PixelsSurviveARoundTrip(bool withTransparency)
    {
        var random = new Random(7);
        var image = new RgbaImage(37, 23);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                // Noise, flat runs and gradients, so that every row filter gets chosen somewhere.
                byte[] noise = new byte[4];
                random.NextBytes(noise);
                image[x, y] = (y % 3) switch
                {
                    0 => new Rgba(noise[0], noise[1], noise[2], withTransparency ? noise[3] : (byte)255),
                    1 => new Rgba(10, 200, 30),
                    _ => new Rgba((byte)(x * 7), (byte)(y * 11), (byte)(x + y)),
                };
            }
        }
        byte[] png = PngEncoder.Encode(image);
        RgbaImage decoded = PngImage.Decode(png);
        Assert.Multiple(() =>
        {
            Assert.That(png[25], Is.EqualTo(withTransparency ? 6 : 2), "IHDR color type: RGBA only when some pixel is not opaque");
            Assert.That(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), Is.EqualTo(37));
            Assert.That(Encoding.ASCII.GetString(png, png.Length - 8, 4), Is.EqualTo("IEND"));
            Assert.That(decoded.Pixels, Is.EqualTo(image.Pixels));
        });
    }

    [Test]
    public void AFlatImageCompressesToAFewBytes()
    {
        var image = new RgbaImage(1000, 1000);
        image.Clear(Rgba.White);
        byte[] png = PngEncoder.Encode(image);
        Assert.That(png, Has.Length.LessThan(10_000));
        Assert.That(PngImage.Decode(png)[999, 999], Is.EqualTo(Rgba.White));
    }
}

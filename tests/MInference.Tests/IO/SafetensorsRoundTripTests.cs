using MInference.IO;

namespace MInference.Tests.IO;

/// <summary>What <see cref="SafetensorsWriter"/> writes, <see cref="SafetensorsFile"/> reads back unchanged.</summary>
public sealed class SafetensorsRoundTripTests
{
    private TemporaryDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = new TemporaryDirectory();

    [TearDown]
    public void DeleteDirectory() => _directory.Dispose();

    private static SafetensorsDType[] AllDTypes() => Enum.GetValues<SafetensorsDType>();

    [TestCaseSource(nameof(AllDTypes))]
    public void BytesOfEveryDTypeRoundTrip(SafetensorsDType dtype)
    {
        long[] shape = [3, 5];
        byte[] data = RandomBytes(15 * dtype.ElementSize, seed: (int)dtype);
        string path = _directory.File("t.safetensors");
        new SafetensorsWriter().Add("t", dtype, shape, data).Write(path);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        SafetensorsTensorInfo info = file.Get("t");
        Assert.Multiple(() =>
        {
            Assert.That(info.DType, Is.EqualTo(dtype));
            Assert.That(info.Shape, Is.EqualTo(shape));
            Assert.That(info.ElementCount, Is.EqualTo(15));
            Assert.That(info.ByteLength, Is.EqualTo(data.Length));
            Assert.That(file.ReadBytes("t"), Is.EqualTo(data));
        });
    }

    [Test]
    public void SingleValuesRoundTripBitForBit()
    {
        float[] values = [0f, -0f, 1.5f, -3.25e-7f, float.MaxValue, float.Epsilon, float.PositiveInfinity, float.NegativeInfinity, float.NaN,
            BitConverter.UInt32BitsToSingle(0x7FA00001)];
        string path = _directory.File("f32.safetensors");
        new SafetensorsWriter().Add(SafetensorsTensor.FromSingle("v", [2, 5], values)).Write(path);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        float[] read = file.ReadAsSingle("v");
        Assert.That(read.Select(BitConverter.SingleToUInt32Bits), Is.EqualTo(values.Select(BitConverter.SingleToUInt32Bits)));
    }

    [TestCase(SafetensorsDType.Float16)]
    [TestCase(SafetensorsDType.BFloat16)]
    public void HalfBitsRoundTripAndWidenExactly(SafetensorsDType dtype)
    {
        float[] source = [0f, -0f, 1f, -2.5f, 65504f, 1e-3f, 3.1415927f, float.PositiveInfinity, float.NaN, -1e-8f, 0.1f, 7f];
        var bits = new ushort[source.Length];
        HalfPrecision.Encode(source, bits, dtype == SafetensorsDType.Float16 ? DType.Float16 : DType.BFloat16);
        string path = _directory.File("half.safetensors");
        new SafetensorsWriter().Add(SafetensorsTensor.FromHalfBits("h", dtype, [3, 2, 2], bits)).Write(path);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        ushort[] readBits = file.ReadHalfBits("h", out SafetensorsDType readDType);
        float[] widened = file.ReadAsSingle("h");
        var expected = new float[bits.Length];
        HalfPrecision.Decode(bits, expected, dtype == SafetensorsDType.Float16 ? DType.Float16 : DType.BFloat16);
        Assert.Multiple(() =>
        {
            Assert.That(readDType, Is.EqualTo(dtype));
            Assert.That(readBits, Is.EqualTo(bits));
            Assert.That(file.ReadHalfBits("h"), Is.EqualTo(bits));
            Assert.That(widened.Select(BitConverter.SingleToUInt32Bits), Is.EqualTo(expected.Select(BitConverter.SingleToUInt32Bits)));
            Assert.That(file.ReadBytes("h"), Has.Length.EqualTo(2 * bits.Length));
        });
    }

    [Test]
    public void ValuesAreStoredLittleEndian()
    {
        string path = _directory.File("endian.safetensors");
        new SafetensorsWriter()
            .Add(SafetensorsTensor.FromSingle("f", [], [1f]))
            .Add(SafetensorsTensor.FromHalfBits("h", SafetensorsDType.BFloat16, [1], [0x3F80]))
            .Write(path);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.ReadBytes("f"), Is.EqualTo(new byte[] { 0x00, 0x00, 0x80, 0x3F }));
            Assert.That(file.ReadBytes("h"), Is.EqualTo(new byte[] { 0x80, 0x3F }));
            Assert.That(file.ReadAsSingle("h"), Is.EqualTo(new[] { 1f }));
        });
    }

    [Test]
    public void ScalarsHaveAnEmptyShapeAndOneElement()
    {
        string path = _directory.File("scalar.safetensors");
        new SafetensorsWriter().Add(SafetensorsTensor.FromSingle("s", [], [3.5f])).Add("i", SafetensorsDType.Int64, [], BitConverter.GetBytes(-7L)).Write(path);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.Get("s").Shape, Is.Empty);
            Assert.That(file.Get("s").ElementCount, Is.EqualTo(1));
            Assert.That(file.ReadAsSingle("s"), Is.EqualTo(new[] { 3.5f }));
            Assert.That(BitConverter.ToInt64(file.ReadBytes("i")), Is.EqualTo(-7));
        });
    }

    [Test]
    public void ZeroSizeDimensionsHoldNoBytes()
    {
        string path = _directory.File("zero.safetensors");
        new SafetensorsWriter()
            .Add(SafetensorsTensor.FromSingle("before", [0, 4], []))
            .Add(SafetensorsTensor.FromSingle("mid", [2], [1f, 2f]))
            .Add("after", SafetensorsDType.BFloat16, [3, 0, 2], ReadOnlyMemory<byte>.Empty)
            .Write(path);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.Tensors.Select(t => (t.Name, t.ElementCount, t.DataBegin, t.DataEnd)),
                Is.EqualTo(new[] { ("before", 0L, 0L, 0L), ("mid", 2L, 0L, 8L), ("after", 0L, 8L, 8L) }));
            Assert.That(file.Get("after").Shape, Is.EqualTo(new long[] { 3, 0, 2 }));
            Assert.That(file.ReadAsSingle("before"), Is.Empty);
            Assert.That(file.ReadHalfBits("after"), Is.Empty);
            Assert.That(file.ReadAsSingle("mid"), Is.EqualTo(new[] { 1f, 2f }));
        });
    }

    [Test]
    public void ManyTensorsKeepTheirOrderValuesAndMetadata()
    {
        // Names out of alphabetical order: the file keeps the order they were added in.
        var writer = new SafetensorsWriter()
            .SetMetadata("format", "pt")
            .SetMetadata("note", "ünïcode ✓ \"quoted\" \\ <tag> & 𝄞")
            .SetMetadata("", "empty key")
            .SetMetadata("empty", "");
        var expected = new Dictionary<string, float[]>();
        foreach (string name in new[] { "z.weight", "a.bias", "m.layers.10.q", "m.layers.2.q", "ß" })
        {
            float[] values = RandomBytes(4 * 7, seed: name.Length).Select(b => b / 16f - 4f).Take(7).ToArray();
            expected[name] = values;
            writer.Add(SafetensorsTensor.FromSingle(name, [7], values));
        }

        string path = _directory.File("many.safetensors");
        writer.Write(path);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(expected.Keys));
            Assert.That(file.Tensors.Select(t => t.DataBegin), Is.EqualTo(new long[] { 0, 28, 56, 84, 112 }), "back to back");
            Assert.That(file.DataLength, Is.EqualTo(140));
            Assert.That(file.Metadata, Is.EquivalentTo(writer.Metadata));
            foreach ((string name, float[] values) in expected)
            {
                Assert.That(file.ReadAsSingle(name), Is.EqualTo(values), name);
            }
        });
    }

    [Test]
    public void TheHeaderIsPaddedWithSpacesToAMultipleOfEight()
    {
        for (int nameLength = 1; nameLength <= 9; nameLength++)
        {
            string path = _directory.File($"pad{nameLength}.safetensors");
            new SafetensorsWriter().Add(SafetensorsTensor.FromSingle(new string('n', nameLength), [1], [1f])).Write(path);
            byte[] bytes = File.ReadAllBytes(path);
            long headerLength = BitConverter.ToInt64(bytes, 0);
            string header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
            Assert.Multiple(() =>
            {
                Assert.That(headerLength % 8, Is.Zero, $"name length {nameLength}");
                Assert.That(header.TrimEnd(' '), Does.EndWith("}"));
                Assert.That(header.Length - header.TrimEnd(' ').Length, Is.LessThan(8));
                Assert.That(bytes, Has.Length.EqualTo(8 + headerLength + 4));
            });
        }
    }

    [Test]
    public void AnEmptyWriterWritesAValidFileWithoutTensors()
    {
        string path = _directory.File("empty.safetensors");
        new SafetensorsWriter().Write(path);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(SafetensorsBytes.File("{}      ")));
            Assert.That(file.Tensors, Is.Empty);
            Assert.That(file.Metadata, Is.Empty);
        });
    }

    [Test]
    public void TheStaticWriteTakesTensorsAndMetadata()
    {
        string path = _directory.File("static.safetensors");
        SafetensorsWriter.Write(path,
            [SafetensorsTensor.FromSingle("b", [1], [2f]), new SafetensorsTensor("a", SafetensorsDType.UInt8, [3], new byte[] { 1, 2, 3 })],
            new Dictionary<string, string> { ["k"] = "v" });
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(new[] { "b", "a" }));
            Assert.That(file.ReadBytes("a"), Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(file.Metadata["k"], Is.EqualTo("v"));
        });
    }

    [Test]
    public void TheSameFileOpenedTwiceGivesEqualInfos()
    {
        string path = _directory.File("twice.safetensors");
        new SafetensorsWriter().Add(SafetensorsTensor.FromSingle("a", [2, 1], [1f, 2f])).Write(path);
        using SafetensorsFile first = SafetensorsFile.Open(path);
        using SafetensorsFile second = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(second.Get("a"), Is.EqualTo(first.Get("a")));
            Assert.That(second.Get("a").GetHashCode(), Is.EqualTo(first.Get("a").GetHashCode()));
            Assert.That(first.Tensors, Is.EqualTo(second.Tensors));
        });
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}

using System.Text;
using MInference.IO;

namespace MInference.Tests.IO;

/// <summary>Files assembled byte by byte here parse as the format says, and the writer produces exactly such bytes.</summary>
public sealed class SafetensorsKnownFileTests
{
    private TemporaryDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = new TemporaryDirectory();

    [TearDown]
    public void DeleteDirectory() => _directory.Dispose();

    /// <summary>One F32 tensor "weight" = [1, -2]: a 64-byte header (59 bytes of JSON and 5 spaces), then 8 bytes of data.</summary>
    private static readonly byte[] s_weightFile =
    [
        0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        .. "{\"weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}     "u8,
        0x00, 0x00, 0x80, 0x3F, // 1.0f
        0x00, 0x00, 0x00, 0xC0, // -2.0f
    ];

    [Test]
    public void TheHandAssembledF32FileParses()
    {
        string path = _directory.File("weight.safetensors");
        File.WriteAllBytes(path, s_weightFile);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        SafetensorsTensorInfo info = file.Tensors.Single();
        Assert.Multiple(() =>
        {
            Assert.That(file.Path, Is.EqualTo(path));
            Assert.That(file.HeaderLength, Is.EqualTo(64));
            Assert.That(file.DataOffset, Is.EqualTo(72));
            Assert.That(file.DataLength, Is.EqualTo(8));
            Assert.That(file.Metadata, Is.Empty);
            Assert.That(info.Name, Is.EqualTo("weight"));
            Assert.That(info.DType, Is.EqualTo(SafetensorsDType.Float32));
            Assert.That(info.Shape, Is.EqualTo(new long[] { 2 }));
            Assert.That(info.ElementCount, Is.EqualTo(2));
            Assert.That((info.DataBegin, info.DataEnd, info.ByteLength), Is.EqualTo((0L, 8L, 8L)));
            Assert.That(file.ReadAsSingle("weight"), Is.EqualTo(new[] { 1f, -2f }));
            Assert.That(file.ReadBytes("weight"), Is.EqualTo(s_weightFile[^8..]));
            Assert.That(info.ToString(), Is.EqualTo("weight: F32 [2], bytes [0, 8)"));
        });
    }

    [Test]
    public void TheWriterProducesTheHandAssembledBytes()
    {
        string path = _directory.File("written.safetensors");
        new SafetensorsWriter().Add(SafetensorsTensor.FromSingle("weight", [2], [1f, -2f])).Write(path);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(s_weightFile));
    }

    [Test]
    public void TheReferenceI32ExampleParses()
    {
        // The reference implementation's own test vector: a 60-byte header, unpadded, and 16 zero bytes.
        byte[] bytes =
        [
            0x3C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            .. "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"u8,
            .. new byte[16],
        ];
        string path = _directory.File("test.safetensors");
        File.WriteAllBytes(path, bytes);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        SafetensorsTensorInfo info = file.Get("test");
        Assert.Multiple(() =>
        {
            Assert.That(info.DType, Is.EqualTo(SafetensorsDType.Int32));
            Assert.That(info.Shape, Is.EqualTo(new long[] { 2, 2 }));
            Assert.That(file.ReadBytes("test"), Is.EqualTo(new byte[16]));
        });
    }

    [Test]
    public void PaddingEscapesWhitespaceAndUnicodeAreAccepted()
    {
        // Trailing JSON whitespace of every kind, whitespace inside, an escaped name and a non-ASCII one.
        string header = "{ \"a\\u002eb\" : {\"shape\": [ 1 ], \"dtype\": \"U8\", \"data_offsets\": [0, 1]},\n"
            + " \"größe\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [1, 2]}}\t\r\n   ";
        string path = _directory.File("spaced.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.File(header, 2));
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(new[] { "a.b", "größe" }));
            Assert.That(file.ReadBytes("größe"), Is.EqualTo(new byte[] { 1 }));
            Assert.That(file.HeaderLength, Is.EqualTo(Encoding.UTF8.GetByteCount(header)));
        });
    }

    [Test]
    public void AnEmptyHeaderObjectIsAFileWithoutTensors()
    {
        string path = _directory.File("empty.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.File("{}"));
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.Tensors, Is.Empty);
            Assert.That(file.Metadata, Is.Empty);
            Assert.That(file.DataLength, Is.Zero);
        });
    }

    [Test]
    public void EmptyTensorsMayShareAnOffsetAndKeepHeaderOrder()
    {
        // Zero-byte tensors at 0, between and after "a"; a dimension of 0 makes any other dimension harmless.
        string header = """
            {"z0":{"dtype":"F16","shape":[0],"data_offsets":[0,0]},
             "a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "y0":{"dtype":"BF16","shape":[0,9223372036854775807],"data_offsets":[0,0]},
             "x8":{"dtype":"I8","shape":[3,0],"data_offsets":[8,8]},
             "w8":{"dtype":"BOOL","shape":[0],"data_offsets":[8,8]}}
            """;
        string path = _directory.File("empties.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.File(header, 8));
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(new[] { "z0", "y0", "a", "x8", "w8" }));
            Assert.That(file.Get("y0").ElementCount, Is.Zero);
            Assert.That(file.ReadAsSingle("y0"), Is.Empty);
            Assert.That(file.ReadHalfBits("z0"), Is.Empty);
            Assert.That(file.ReadBytes("x8"), Is.Empty);
        });
    }

    [Test]
    public void AFileOfOnlyEmptyTensorsNeedsNoMapping()
    {
        string path = _directory.File("nodata.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.File("""{"__metadata__":{"k":"v"},"e":{"dtype":"F32","shape":[4,0],"data_offsets":[0,0]}}"""));
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.DataLength, Is.Zero);
            Assert.That(file.ReadAsSingle("e"), Is.Empty);
            Assert.That(file.ReadBytes("e"), Is.Empty);
            Assert.That(file.Metadata, Is.EqualTo(new Dictionary<string, string> { ["k"] = "v" }));
        });
    }
}

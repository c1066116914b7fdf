using MInference.IO;

namespace MInference.Tests.IO;

/// <summary>Look-ups, reads of the wrong dtype, disposal, ranged reads and tensors too large for an array.</summary>
public sealed class SafetensorsReaderTests
{
    private TemporaryDirectory _directory = null!;
    private string _path = null!;

    [SetUp]
    public void WriteFile()
    {
        _directory = new TemporaryDirectory();
        _path = _directory.File("model.safetensors");
        var writer = new SafetensorsWriter();
        foreach (string name in new[] { "t0", "t1", "t2", "t3", "t4", "t5", "t6" })
        {
            writer.Add(SafetensorsTensor.FromSingle(name, [2], [1f, 2f]));
        }

        writer.Add("ints", SafetensorsDType.Int32, [2], new byte[] { 1, 0, 0, 0, 2, 0, 0, 0 })
            .Add(SafetensorsTensor.FromHalfBits("half", SafetensorsDType.Float16, [1], [0x3C00]))
            .Add("bytes", SafetensorsDType.UInt8, [10], Enumerable.Range(0, 10).Select(i => (byte)(i * 3)).ToArray())
            .Write(_path);
    }

    [TearDown]
    public void DeleteFile() => _directory.Dispose();

    [Test]
    public void GetAndTryGetFindTensorsByExactName()
    {
        using SafetensorsFile file = SafetensorsFile.Open(_path);
        Assert.Multiple(() =>
        {
            Assert.That(file.TryGet("ints", out SafetensorsTensorInfo? info), Is.True);
            Assert.That(info!.DType, Is.EqualTo(SafetensorsDType.Int32));
            Assert.That(file.Get("ints"), Is.SameAs(info));
            Assert.That(file.TryGet("INTS", out SafetensorsTensorInfo? missing), Is.False);
            Assert.That(missing, Is.Null);
            Assert.That(file.TryGet("__metadata__", out _), Is.False);
        });
    }

    [Test]
    public void AMissingTensorIsNamedWithSomeThatExist()
    {
        using SafetensorsFile file = SafetensorsFile.Open(_path);
        Assert.That(() => file.Get("t9"), Throws.TypeOf<KeyNotFoundException>().With.Message.EqualTo(
            $"{_path}: no tensor named 't9'; the file has 10 tensor(s): 't0', 't1', 't2', 't3', 't4' and 5 more"));
        Assert.That(() => file.ReadAsSingle("nope"), Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("no tensor named 'nope'"));
    }

    [Test]
    public void AMissingTensorInAnEmptyFileSaysSo()
    {
        string path = _directory.File("none.safetensors");
        new SafetensorsWriter().Write(path);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.That(() => file.Get("x"), Throws.TypeOf<KeyNotFoundException>().With.Message.EqualTo($"{path}: no tensor named 'x'; the file has no tensors"));
    }

    [Test]
    public void ReadsOfAnUnsupportedDTypeSayWhichAreSupported()
    {
        using SafetensorsFile file = SafetensorsFile.Open(_path);
        Assert.Multiple(() =>
        {
            Assert.That(() => file.ReadAsSingle("ints"), Throws.TypeOf<NotSupportedException>().With.Message.EqualTo(
                $"{_path}: tensor 'ints' is I32; ReadAsSingle reads F32, F16 and BF16 (ReadBytes reads any dtype)"));
            Assert.That(() => file.ReadHalfBits("t0"), Throws.TypeOf<NotSupportedException>().With.Message.EqualTo(
                $"{_path}: tensor 't0' is F32; ReadHalfBits reads F16 and BF16 (ReadAsSingle reads F32)"));
            Assert.That(file.ReadBytes("ints"), Is.EqualTo(new byte[] { 1, 0, 0, 0, 2, 0, 0, 0 }), "bytes of any dtype");
            Assert.That(file.ReadAsSingle("half"), Is.EqualTo(new[] { 1f }));
        });
    }

    [Test]
    public void RangedReadsCopyPartOfATensor()
    {
        using SafetensorsFile file = SafetensorsFile.Open(_path);
        var middle = new byte[4];
        file.ReadBytes("bytes", 3, middle);
        var all = new byte[10];
        file.ReadBytes("bytes", 0, all);
        file.ReadBytes("bytes", 10, Span<byte>.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(middle, Is.EqualTo(new byte[] { 9, 12, 15, 18 }));
            Assert.That(all, Is.EqualTo(file.ReadBytes("bytes")));
            Assert.That(() => file.ReadBytes("bytes", 7, new byte[4]), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => file.ReadBytes("bytes", -1, new byte[1]), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => file.ReadBytes("bytes", 0, new byte[11]), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void AfterDisposeReadsFailButTheHeaderStays()
    {
        SafetensorsFile file = SafetensorsFile.Open(_path);
        file.Dispose();
        file.Dispose();
        Assert.Multiple(() =>
        {
            Assert.That(() => file.ReadBytes("t0"), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => file.ReadAsSingle("t0"), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => file.ReadHalfBits("half"), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(() => file.ReadBytes("bytes", 0, new byte[1]), Throws.TypeOf<ObjectDisposedException>());
            Assert.That(file.Tensors, Has.Count.EqualTo(10));
            Assert.That(file.Get("t3").ElementCount, Is.EqualTo(2));
        });
    }

    [Test]
    public void DisposingClosesTheFile()
    {
        using (SafetensorsFile.Open(_path))
        {
        }

        // Nothing holds the file any more: it can be deleted and replaced.
        File.Delete(_path);
        Assert.That(File.Exists(_path), Is.False);
    }

    [Test]
    public void ArgumentsAreChecked()
    {
        using SafetensorsFile file = SafetensorsFile.Open(_path);
        Assert.Multiple(() =>
        {
            Assert.That(() => SafetensorsFile.Open(null!), Throws.ArgumentNullException);
            Assert.That(() => SafetensorsFile.Open(""), Throws.ArgumentException);
            Assert.That(() => file.Get(null!), Throws.ArgumentNullException);
            Assert.That(() => SafetensorsFile.Open(_directory.File("absent.safetensors")), Throws.TypeOf<FileNotFoundException>());
        });
    }

    [Test]
    public void ATensorLargerThanAnArrayIsRefusedClearlyAndReadableInParts()
    {
        // A sparse file: an F16 tensor of Array.MaxLength + 1 elements (about 4 GiB that are never written).
        long elements = Array.MaxLength + 1L;
        string header = $$$"""{"big":{"dtype":"F16","shape":[{{{elements}}}],"data_offsets":[0,{{{2 * elements}}}]},"tail":{"dtype":"U8","shape":[1],"data_offsets":[{{{2 * elements}}},{{{2 * elements + 1}}}]}}""";
        byte[] start = SafetensorsBytes.File(header);
        string path = _directory.File("big.safetensors");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.Write(start);
            stream.SetLength(start.Length + 2 * elements);
            stream.Seek(0, SeekOrigin.End);
            stream.WriteByte(42);
        }

        using SafetensorsFile file = SafetensorsFile.Open(path);
        string tooLarge = $"{path}: tensor 'big' has {elements} elements, more than an array holds (Array.MaxLength = {Array.MaxLength})";
        var lastTwo = new byte[2];
        file.ReadBytes("big", (2 * elements) - 2, lastTwo);
        Assert.Multiple(() =>
        {
            Assert.That(file.Get("big").ByteLength, Is.EqualTo(2 * elements));
            Assert.That(() => file.ReadHalfBits("big"), Throws.TypeOf<NotSupportedException>().With.Message.StartsWith(tooLarge));
            Assert.That(() => file.ReadAsSingle("big"), Throws.TypeOf<NotSupportedException>().With.Message.StartsWith(tooLarge));
            Assert.That(() => file.ReadBytes("big"), Throws.TypeOf<NotSupportedException>().With.Message.Contains($"has {2 * elements} bytes, more than an array holds"));
            Assert.That(lastTwo, Is.EqualTo(new byte[2]));
            Assert.That(file.ReadBytes("tail"), Is.EqualTo(new byte[] { 42 }), "a tensor past 4 GiB into the mapping");
        });
    }
}

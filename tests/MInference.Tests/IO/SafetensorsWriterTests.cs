using MInference.IO;

namespace MInference.Tests.IO;

/// <summary>Validation before anything is written, and atomic replacement without leftovers.</summary>
public sealed class SafetensorsWriterTests
{
    private TemporaryDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = new TemporaryDirectory();

    [TearDown]
    public void DeleteDirectory() => _directory.Dispose();

    private static IEnumerable<TestCaseData> InvalidTensors()
    {
        yield return Case("empty name", () => new SafetensorsTensor("", SafetensorsDType.UInt8, [1], new byte[1]), "name");
        yield return Case("metadata name", () => new SafetensorsTensor("__metadata__", SafetensorsDType.UInt8, [1], new byte[1]), "may not be named \"__metadata__\"");
        yield return Case("lone surrogate", () => new SafetensorsTensor("a\uD800", SafetensorsDType.UInt8, [1], new byte[1]), "lone surrogate");
        yield return Case("negative dimension", () => new SafetensorsTensor("a", SafetensorsDType.UInt8, [2, -1], new byte[1]), "shape[1] = -1");
        yield return Case("overflowing shape", () => new SafetensorsTensor("a", SafetensorsDType.Float32, [1L << 62], new byte[1]), "spans more than");
        yield return Case("byte count", () => new SafetensorsTensor("layers.0.q", SafetensorsDType.BFloat16, [2, 3, 4], new byte[96]),
            "tensor 'layers.0.q': data holds 96 bytes; expected 2·3·4 elements × 2 bytes = 48 bytes for BF16 [2, 3, 4]");
        yield return Case("too few values", () => SafetensorsTensor.FromSingle("a", [2, 2], [1f, 2f, 3f]), "data holds 12 bytes; expected 2·2 elements × 4 bytes = 16 bytes");
        yield return Case("half bits of F32", () => SafetensorsTensor.FromHalfBits("a", SafetensorsDType.Float32, [1], [0]), "is not F16 or BF16");
        yield return Case("undefined dtype", () => new SafetensorsTensor("a", (SafetensorsDType)99, [1], new byte[1]), "not a defined SafetensorsDType");

        static TestCaseData Case(string name, Func<SafetensorsTensor> create, string fragment) =>
            new TestCaseData(create, fragment).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(InvalidTensors))]
    public void AnInvalidTensorIsRefusedWhenCreated(Func<SafetensorsTensor> create, string fragment) =>
        Assert.That(() => create(), Throws.InstanceOf<ArgumentException>().With.Message.Contains(fragment));

    [Test]
    public void ValidationFailuresWriteNothing()
    {
        string path = _directory.File("model.safetensors");
        SafetensorsTensor a = SafetensorsTensor.FromSingle("a", [1], [1f]);
        SafetensorsTensor otherA = SafetensorsTensor.FromSingle("a", [1], [2f]);
        Assert.Multiple(() =>
        {
            Assert.That(() => SafetensorsWriter.Write(path, [a, otherA]),
                Throws.ArgumentException.With.Message.Contains("tensors[1]: the name 'a' appears more than once"));
            Assert.That(() => SafetensorsWriter.Write(path, [a, null!]), Throws.ArgumentException.With.Message.Contains("tensors[1] is null"));
            Assert.That(() => SafetensorsWriter.Write(path, [a], new Dictionary<string, string> { ["k"] = "\uDC00" }),
                Throws.ArgumentException.With.Message.Contains("lone surrogate"));
            Assert.That(() => new SafetensorsWriter().Add(a).Add(otherA), Throws.ArgumentException.With.Message.Contains("'a' was already added"));
            Assert.That(() => new SafetensorsWriter().SetMetadata("\uD800", "v"), Throws.ArgumentException);
            Assert.That(() => new SafetensorsWriter().SetMetadata("k", null!), Throws.ArgumentNullException);
            Assert.That(() => SafetensorsWriter.Write(_directory.Path + Path.DirectorySeparatorChar, [a]), Throws.ArgumentException.With.Message.Contains("names no file"));
        });
        Assert.That(_directory.Entries(), Is.Empty);
    }

    [Test]
    public void AFailedAddLeavesTheWriterUnchanged()
    {
        var writer = new SafetensorsWriter().Add(SafetensorsTensor.FromSingle("a", [1], [1f]));
        Assert.That(() => writer.Add("a", SafetensorsDType.UInt8, [1], new byte[1]), Throws.ArgumentException);
        Assert.That(() => writer.Add("b", SafetensorsDType.UInt8, [2], new byte[1]), Throws.ArgumentException);
        Assert.That(writer.Tensors.Select(t => t.Name), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void ValidationFailuresLeaveAnExistingTargetUnchanged()
    {
        string path = _directory.File("model.safetensors");
        File.WriteAllText(path, "old contents");
        SafetensorsTensor a = SafetensorsTensor.FromSingle("a", [1], [1f]);
        Assert.That(() => SafetensorsWriter.Write(path, [a, a]), Throws.ArgumentException);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(path), Is.EqualTo("old contents"));
            Assert.That(_directory.Entries(), Is.EqualTo(new[] { "model.safetensors" }));
        });
    }

    [Test]
    public void OverwritingReplacesTheFileAndLeavesNoTemporaryFile()
    {
        string path = _directory.File("model.safetensors");
        new SafetensorsWriter().Add(SafetensorsTensor.FromSingle("old", [3], [1f, 2f, 3f])).SetMetadata("v", "1").Write(path);
        new SafetensorsWriter().Add(SafetensorsTensor.FromSingle("new", [1], [9f])).Write(path);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(new[] { "new" }));
            Assert.That(file.ReadAsSingle("new"), Is.EqualTo(new[] { 9f }));
            Assert.That(file.Metadata, Is.Empty);
            Assert.That(_directory.Entries(), Is.EqualTo(new[] { "model.safetensors" }));
        });
    }

    [Test]
    public void AFailureWhileWritingLeavesTheTargetAndNoTemporaryFile()
    {
        string path = _directory.File("model.safetensors");
        new SafetensorsWriter().Add(SafetensorsTensor.FromSingle("old", [1], [1f])).Write(path);
        byte[] before = File.ReadAllBytes(path);
        var writer = new SafetensorsWriter()
            .Add(SafetensorsTensor.FromSingle("first", [4], [1f, 2f, 3f, 4f]))
            .Add("broken", SafetensorsDType.UInt8, [16], new ThrowingMemory(16).Memory);

        Assert.That(() => writer.Write(path), Throws.InvalidOperationException.With.Message.Contains("simulated failure"));
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
            Assert.That(_directory.Entries(), Is.EqualTo(new[] { "model.safetensors" }));
        });
    }

    [Test]
    public void AFailureToReplaceLeavesTheTargetAndNoTemporaryFile()
    {
        // The target is a directory: the temporary file is complete but cannot be moved there.
        string path = _directory.File("model.safetensors");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "inside"), "kept");
        Assert.That(() => SafetensorsWriter.Write(path, [SafetensorsTensor.FromSingle("a", [1], [1f])]),
            Throws.InstanceOf<IOException>().Or.InstanceOf<UnauthorizedAccessException>());
        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(path));
            Assert.That(File.ReadAllText(Path.Combine(path, "inside")), Is.EqualTo("kept"));
            Assert.That(_directory.Entries(), Is.EqualTo(new[] { "model.safetensors" }));
        });
    }

    [Test]
    public void AMissingDirectoryIsAnIOErrorAndCreatesNothing()
    {
        string path = Path.Combine(_directory.Path, "absent", "model.safetensors");
        Assert.That(() => SafetensorsWriter.Write(path, [SafetensorsTensor.FromSingle("a", [1], [1f])]), Throws.InstanceOf<DirectoryNotFoundException>());
        Assert.That(_directory.Entries(), Is.Empty);
    }

    [Test]
    public void ARelativePathIsWrittenInTheCurrentDirectory()
    {
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = _directory.Path;
            SafetensorsWriter.Write("relative.safetensors", [SafetensorsTensor.FromSingle("a", [1], [1f])]);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }

        Assert.That(_directory.Entries(), Is.EqualTo(new[] { "relative.safetensors" }));
    }

    [Test]
    public void TensorsKeepWhatTheyWereGiven()
    {
        float[] values = [1f, 2f];
        SafetensorsTensor tensor = SafetensorsTensor.FromSingle("a", [2], values);
        values[0] = 99f;
        Assert.Multiple(() =>
        {
            Assert.That(tensor.Shape, Is.EqualTo(new long[] { 2 }));
            Assert.That(tensor.ElementCount, Is.EqualTo(2));
            Assert.That(tensor.DType, Is.EqualTo(SafetensorsDType.Float32));
            Assert.That(tensor.Data.ToArray(), Is.EqualTo(new byte[] { 0, 0, 0x80, 0x3F, 0, 0, 0, 0x40 }), "the factory copied the values");
            Assert.That(tensor.ToString(), Is.EqualTo("a: F32 [2]"));
        });
    }
}

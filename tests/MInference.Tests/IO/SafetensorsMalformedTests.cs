using MInference.IO;

namespace MInference.Tests.IO;

/// <summary>
/// The malformed corpus of <see cref="MalformedCases"/> is written to a temporary directory, one file
/// per case; opening each must throw <see cref="SafetensorsFormatException"/> (and nothing else) naming
/// the file, the tensor where there is one, and the problem.
/// </summary>
public sealed class SafetensorsMalformedTests
{
    private TemporaryDirectory _corpus = null!;

    [OneTimeSetUp]
    public void WriteCorpus()
    {
        _corpus = new TemporaryDirectory();
        foreach (MalformedCase c in MalformedCases.Cases())
        {
            File.WriteAllBytes(_corpus.File(c.Name + ".safetensors"), c.Bytes);
        }
    }

    [OneTimeTearDown]
    public void DeleteCorpus() => _corpus.Dispose();

    [TestCaseSource(typeof(MalformedCases), nameof(MalformedCases.All))]
    public void OpenRejectsTheFileAndSaysWhy(MalformedCase c)
    {
        string path = _corpus.File(c.Name + ".safetensors");
        SafetensorsFormatException exception = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose())!;
        string location = c.TensorName is null ? $"{path}: " : $"{path}: tensor '{c.TensorName}': ";
        Assert.Multiple(() =>
        {
            Assert.That(exception.Message, Does.StartWith(location));
            Assert.That(exception.Message, Does.Contain(c.Fragment));
            Assert.That(exception.FilePath, Is.EqualTo(path));
            Assert.That(exception.TensorName, Is.EqualTo(c.TensorName));
            Assert.That(exception.Problem, Does.Contain(c.Fragment));
            Assert.That(exception, Is.InstanceOf<FormatException>());
        });
    }

    [Test]
    public void TheCorpusHasOneDistinctFilePerCase()
    {
        MalformedCase[] cases = MalformedCases.Cases().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(cases.Select(c => c.Name), Is.Unique);
            Assert.That(cases.Select(MalformedCases.Fingerprint), Is.Unique);
            Assert.That(_corpus.Entries(), Has.Length.EqualTo(cases.Length));
        });
    }

    [Test]
    public void TheSpecimenMessageIsExact()
    {
        // The specimen from the format's documentation: BF16 [2, 3, 4] needs 48 bytes, not 96.
        using var directory = new TemporaryDirectory();
        string path = directory.File("model.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.File("""{"layers.0.q":{"dtype":"BF16","shape":[2,3,4],"data_offsets":[0,96]}}""", 96));
        Assert.That(() => SafetensorsFile.Open(path), Throws.TypeOf<SafetensorsFormatException>().With.Message.EqualTo(
            $"{path}: tensor 'layers.0.q': data_offsets [0, 96] hold 96 bytes; expected 2·3·4 elements × 2 bytes = 48 bytes for BF16 [2, 3, 4]"));
    }

    [Test]
    public void InvalidJsonKeepsTheJsonExceptionAsTheCause()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("bad.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.File("{\"a\": }"));
        SafetensorsFormatException exception = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose())!;
        Assert.That(exception.InnerException, Is.InstanceOf<System.Text.Json.JsonException>());
    }

    [Test]
    public void TheFirstProblemInHeaderOrderIsReported()
    {
        // Two bad entries: the first one of the header is named.
        using var directory = new TemporaryDirectory();
        string path = directory.File("two.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.File("""{"x":{"dtype":"Q8","shape":[],"data_offsets":[0,1]},"y":{"dtype":"F32","shape":[-1],"data_offsets":[0,1]}}""", 1));
        Assert.That(() => SafetensorsFile.Open(path), Throws.TypeOf<SafetensorsFormatException>().With.Property(nameof(SafetensorsFormatException.TensorName)).EqualTo("x"));
    }
}

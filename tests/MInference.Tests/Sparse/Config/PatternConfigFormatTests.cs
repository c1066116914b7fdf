using System.Text;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;

namespace MInference.Tests.Sparse.Config;

/// <summary>The two written forms: Extended (today's text, "dense" included) and MInference (only names MInference's loader knows).</summary>
public sealed class PatternConfigFormatTests
{
    private const int CoverLength = 2048;

    private static readonly HeadPatternEntry[][] s_layers =
    [
        [new(new VerticalSlashPattern(1000, 6096), 0.1), new(new DensePattern(), 0.25), new(new AShapePattern(64, 512), 1)],
        [new(new DensePattern(), 1), new(new BlockSparsePattern(8), 1.0 / 3), new(new DensePattern(), 0)],
    ];

    // The Extended text as ToJson() wrote it before the format choice existed.
    private const string ExtendedText =
        "[\n" +
        "  {\n" +
        "    \"0\": [\"vertical_and_slash\", 1000, 6096, 0.1],\n" +
        "    \"1\": [\"dense\", 0, 0, 0.25],\n" +
        "    \"2\": [\"stream_llm\", 64, 512, 1]\n" +
        "  },\n" +
        "  {\n" +
        "    \"0\": [\"dense\", 0, 0, 1],\n" +
        "    \"1\": [\"block_sparse\", 8, 0, 0.3333333333333333],\n" +
        "    \"2\": [\"dense\", 0, 0, 0]\n" +
        "  }\n" +
        "]\n";

    [Test]
    public void ExtendedIsTheDefaultAndUnchanged()
    {
        var config = new HeadPatternConfig(s_layers);
        Assert.Multiple(() =>
        {
            Assert.That(config.ToJson(), Is.EqualTo(ExtendedText));
            Assert.That(config.ToJson(PatternConfigFormat.Extended), Is.EqualTo(ExtendedText));
            Assert.That(config.ToJson(PatternConfigFormat.Extended, CoverLength), Is.EqualTo(ExtendedText), "the length is unused by Extended");
        });
    }

    [Test]
    public void MInferenceWritesDenseHeadsAsFullVerticalSlash()
    {
        var config = new HeadPatternConfig(s_layers);
        string text = config.ToJson(PatternConfigFormat.MInference, CoverLength);
        HeadPatternConfig reloaded = HeadPatternConfig.Parse(text, "minference.json", 2, 3);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Not.Contain("\"dense\""));
            Assert.That(text, Does.Contain($"\"1\": [\"vertical_and_slash\", {CoverLength}, {CoverLength}, 0.25]"), "the score is kept");
            for (int layer = 0; layer < 2; layer++)
            {
                for (int head = 0; head < 3; head++)
                {
                    HeadPatternEntry original = s_layers[layer][head];
                    HeadPattern expected = original.Pattern is DensePattern ? new VerticalSlashPattern(CoverLength, CoverLength) : original.Pattern;
                    Assert.That(reloaded[layer, head], Is.EqualTo(new HeadPatternEntry(expected, original.Score)), $"layer {layer}, head {head}");
                }
            }
        });
    }

    [Test]
    public void SaveWritesTheChosenForm()
    {
        var config = new HeadPatternConfig(s_layers);
        using var stream = new MemoryStream();
        config.Save(stream, PatternConfigFormat.MInference, CoverLength);
        Assert.That(Encoding.UTF8.GetString(stream.ToArray()), Is.EqualTo(config.ToJson(PatternConfigFormat.MInference, CoverLength)));
    }

    [Test]
    public void ALengthOfOneIsEnough()
    {
        var config = new HeadPatternConfig([[new HeadPatternEntry(new DensePattern(), 1)]]);
        Assert.That(HeadPatternConfig.Parse(config.ToJson(PatternConfigFormat.MInference, 1), "one.json", 1, 1)[0, 0].Pattern, Is.EqualTo(new VerticalSlashPattern(1, 1)));
    }

    [TestCase(0)]
    [TestCase(-5)]
    [TestCase(HeadPattern.MaxSize + 1)]
    public void ALengthOutOfRangeIsRejectedByName(int length)
    {
        var config = new HeadPatternConfig(s_layers);
        Assert.Multiple(() =>
        {
            var mInference = Assert.Throws<ArgumentOutOfRangeException>(() => config.ToJson(PatternConfigFormat.MInference, length));
            Assert.That(mInference!.ParamName, Is.EqualTo("denseCoverLength"));
            Assert.That(mInference.Message, Does.Contain($"denseCoverLength = {length}"));
            var extended = Assert.Throws<ArgumentOutOfRangeException>(() => config.ToJson(PatternConfigFormat.Extended, length));
            Assert.That(extended!.ParamName, Is.EqualTo("denseCoverLength"), "checked whenever given");
        });
    }

    [Test]
    public void MInferenceNeedsTheLength()
    {
        var config = new HeadPatternConfig(s_layers);
        var exception = Assert.Throws<ArgumentException>(() => config.ToJson(PatternConfigFormat.MInference));
        Assert.That(exception!.ParamName, Is.EqualTo("denseCoverLength"));
    }

    [Test]
    public void AnUndefinedFormatIsRejectedByName()
    {
        var config = new HeadPatternConfig(s_layers);
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => config.ToJson((PatternConfigFormat)7, CoverLength));
        Assert.That(exception!.ParamName, Is.EqualTo("format"));
    }

    [Test]
    public void SaveWithBadArgumentsLeavesTheFileAlone()
    {
        var config = new HeadPatternConfig(s_layers);
        string path = Path.Combine(Path.GetTempPath(), $"minference-format-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "before");
            Assert.Throws<ArgumentException>(() => config.Save(path, PatternConfigFormat.MInference));
            Assert.That(File.ReadAllText(path), Is.EqualTo("before"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

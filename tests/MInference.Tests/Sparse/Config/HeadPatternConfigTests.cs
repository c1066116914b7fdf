using System.Text;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;

namespace MInference.Tests.Sparse.Config;

public sealed class HeadPatternConfigTests
{
    private const string TwoLayers = """
        [{"0": ["vertical_and_slash", 1000, 6096, 0.33349305391311646], "1": ["stream_llm", 100, 800, 1]},
         {"1": ["dense", 0, 0, 0.5], "0": ["block_sparse", 8, 0, 2]}]
        """;

    [Test]
    public void ParsesEveryPatternWithIntegerAndFloatScores()
    {
        HeadPatternConfig config = HeadPatternConfig.Parse(TwoLayers, "two.json", expectedLayerCount: 2, expectedHeadCount: 2);

        Assert.Multiple(() =>
        {
            Assert.That(config.LayerCount, Is.EqualTo(2));
            Assert.That(config.HeadCount, Is.EqualTo(2));
            Assert.That(config[0, 0], Is.EqualTo(new HeadPatternEntry(new VerticalSlashPattern(1000, 6096), 0.33349305391311646)));
            Assert.That(config[0, 1], Is.EqualTo(new HeadPatternEntry(new AShapePattern(100, 800), 1)));
            Assert.That(config[1, 0], Is.EqualTo(new HeadPatternEntry(new BlockSparsePattern(8), 2)), "keys may come in any order");
            Assert.That(config[1, 1], Is.EqualTo(new HeadPatternEntry(new DensePattern(), 0.5)));
            Assert.That(config.GetLayer(1).Select(entry => entry.Pattern.JsonName), Is.EqualTo(new[] { "block_sparse", "dense" }));
            Assert.That(() => config[2, 0], Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => config[0, 2], Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void LoadsFromAStreamAndFromAFile()
    {
        HeadPatternConfig fromStream = HeadPatternConfig.Load(new MemoryStream(Encoding.UTF8.GetBytes(TwoLayers)), "two.json", 2, 2);
        string path = Path.Combine(Path.GetTempPath(), $"minference-patterns-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, TwoLayers);
            HeadPatternConfig fromFile = HeadPatternConfig.Load(path, 2, 2);
            Assert.Multiple(() =>
            {
                Assert.That(fromStream.ToJson(), Is.EqualTo(fromFile.ToJson()));
                Assert.That(fromFile[1, 0].Pattern, Is.EqualTo(new BlockSparsePattern(8)));
                Assert.That(() => HeadPatternConfig.Load(path, 3, 2),
                    Throws.InstanceOf<PatternConfigException>().With.Message.StartsWith(path + ": 2 layers; expected 3"), "messages name the file");
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void HeadsOfALayerAreGroupedByDistinctPattern()
    {
        // The scores differ, the patterns do not: heads 0, 2 and 5 share one launch.
        const string Json = """
            [{"0": ["vertical_and_slash", 1000, 6096, 0.1], "1": ["stream_llm", 100, 800, 0.2], "2": ["vertical_and_slash", 1000, 6096, 0.3],
              "3": ["vertical_and_slash", 100, 750, 0.4], "4": ["stream_llm", 100, 800, 0.5], "5": ["vertical_and_slash", 1000, 6096, 0.6]}]
            """;
        IReadOnlyList<PatternHeadGroup> groups = HeadPatternConfig.Parse(Json, "groups.json", 1, 6).GroupHeadsByPattern(0);

        Assert.Multiple(() =>
        {
            Assert.That(groups.Select(group => group.Pattern), Is.EqualTo(new HeadPattern[]
            {
                new VerticalSlashPattern(1000, 6096), new AShapePattern(100, 800), new VerticalSlashPattern(100, 750),
            }), "ordered by first head");
            Assert.That(groups.Select(group => group.Heads.ToArray()), Is.EqualTo(new[] { new[] { 0, 2, 5 }, new[] { 1, 4 }, new[] { 3 } }));
            Assert.That(groups[1].ToString(), Is.EqualTo("stream_llm(100, 800): heads 1, 4"));
        });
    }

    [Test]
    public void ConstructorRejectsRaggedOrEmptyLayers()
    {
        var entry = new HeadPatternEntry(new DensePattern(), 1);
        Assert.Multiple(() =>
        {
            Assert.That(() => new HeadPatternConfig([]), Throws.ArgumentException.With.Message.Contains("at least one layer"));
            Assert.That(() => new HeadPatternConfig([[]]), Throws.ArgumentException.With.Message.Contains("layers[0] has 0 heads"));
            Assert.That(() => new HeadPatternConfig([[entry, entry], [entry]]),
                Throws.ArgumentException.With.Message.Contains("layers[1] has 1 heads; expected 2, as layers[0]"));
            Assert.That(() => new HeadPatternConfig([[entry, null!]]), Throws.ArgumentException.With.Message.Contains("layers[0][1] is null"));
        });
    }

    [Test]
    public void ExpectedCountsMustBePositive()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => HeadPatternConfig.Parse(TwoLayers, "two.json", 0, 2), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => HeadPatternConfig.Parse(TwoLayers, "two.json", 2, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}

using System.Globalization;
using System.Text;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;

namespace MInference.Tests.Sparse.Config;

public sealed class PatternConfigRoundTripTests
{
    private const int Layers = 4;
    private const int Heads = 8;

    [Test]
    public void ARealisticFileLoadsSavesAndLoadsBackUnchanged()
    {
        string original = PhiLikeFile();
        HeadPatternConfig config = HeadPatternConfig.Parse(original, "phi3.json", Layers, Heads);

        string saved = config.ToJson();
        HeadPatternConfig reloaded = HeadPatternConfig.Parse(saved, "saved.json", Layers, Heads);
        Assert.Multiple(() =>
        {
            Assert.That(config[0, 0], Is.EqualTo(new HeadPatternEntry(new VerticalSlashPattern(1000, 6096), 0.33349305391311646)));
            Assert.That(config[3, 1], Is.EqualTo(new HeadPatternEntry(new AShapePattern(100, 800), 0.96484375)));
            Assert.That(config[2, 6], Is.EqualTo(new HeadPatternEntry(new BlockSparsePattern(100), 1)));
            Assert.That(config[1, 7], Is.EqualTo(new HeadPatternEntry(new DensePattern(), 0)));
            for (int layer = 0; layer < Layers; layer++)
            {
                Assert.That(reloaded.GetLayer(layer), Is.EqualTo(config.GetLayer(layer)), $"layer {layer} after a round trip");
            }

            Assert.That(reloaded.ToJson(), Is.EqualTo(saved), "saving is stable");
        });
    }

    [Test]
    public void SavedTextHasOneHeadPerLineInAscendingOrder()
    {
        HeadPatternConfig config = HeadPatternConfig.Parse(
            """[{"1": ["stream_llm", 100, 800, 0.96484375], "0": ["vertical_and_slash", 30, 800, 1]}, {"0": ["block_sparse", 8, 77, 1e-05], "1": ["dense", 9, 9, -2.5]}]""",
            "small.json", 2, 2);

        Assert.That(config.ToJson(), Is.EqualTo(
            "[\n" +
            "  {\n" +
            "    \"0\": [\"vertical_and_slash\", 30, 800, 1],\n" +
            "    \"1\": [\"stream_llm\", 100, 800, 0.96484375]\n" +
            "  },\n" +
            "  {\n" +
            "    \"0\": [\"block_sparse\", 8, 0, 1E-05],\n" +
            "    \"1\": [\"dense\", 0, 0, -2.5]\n" +
            "  }\n" +
            "]\n"), "integer scores stay integers; unused items are written as 0");
    }

    [Test]
    public void SaveWritesAFileThatLoadReads()
    {
        HeadPatternConfig config = HeadPatternConfig.Parse(PhiLikeFile(), "phi3.json", Layers, Heads);
        string path = Path.Combine(Path.GetTempPath(), $"minference-patterns-{Guid.NewGuid():N}.json");
        try
        {
            config.Save(path);
            byte[] bytes = File.ReadAllBytes(path);
            Assert.Multiple(() =>
            {
                Assert.That(bytes.Take(3), Is.Not.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "no byte-order mark");
                Assert.That(Encoding.UTF8.GetString(bytes), Is.EqualTo(config.ToJson()));
                Assert.That(HeadPatternConfig.Load(path, Layers, Heads).ToJson(), Is.EqualTo(config.ToJson()));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void SearchResultsCanBeBuiltInCodeAndSaved()
    {
        HeadPatternEntry[][] layers =
        [
            [new(new VerticalSlashPattern(1000, 6096), 0.1), new(new AShapePattern(0, 4096), 0.2)],
            [new(new BlockSparsePattern(64), 1.0 / 3), new(new DensePattern(), 1)],
        ];
        var config = new HeadPatternConfig(layers);
        HeadPatternConfig reloaded = HeadPatternConfig.Parse(config.ToJson(), "search.json", 2, 2);
        Assert.Multiple(() =>
        {
            Assert.That(reloaded.GetLayer(0), Is.EqualTo(layers[0]));
            Assert.That(reloaded.GetLayer(1), Is.EqualTo(layers[1]));
            Assert.That(reloaded[1, 0].Score, Is.EqualTo(1.0 / 3), "the shortest round-trip text reads back to the same double");
        });
    }

    /// <summary>
    /// A pattern file the way MInference's Python writes one (json.dump: one line, ", " and ": "):
    /// 4 layers of 8 heads, mostly vertical_and_slash with MInference's usual sizes, some stream_llm,
    /// one block_sparse and one dense head; float scores, and integer scores on a few heads.
    /// </summary>
    private static string PhiLikeFile()
    {
        (string Name, int A, int B)[] mix =
        [
            ("vertical_and_slash", 1000, 6096), ("vertical_and_slash", 100, 750), ("vertical_and_slash", 500, 700),
            ("vertical_and_slash", 3500, 100), ("vertical_and_slash", 30, 800), ("stream_llm", 100, 800),
        ];
        double[] floatScores = [0.33349305391311646, 0.9987075924873352, 0.96484375, 0.5, 0.7858797311782837, 0.9113738536834717];
        var layers = new List<string>();
        for (int layer = 0; layer < Layers; layer++)
        {
            var heads = new List<string>();
            for (int head = 0; head < Heads; head++)
            {
                (string name, int a, int b) = (layer, head) switch
                {
                    (0, 0) => mix[0],
                    (3, 1) => mix[5],
                    (2, 6) => ("block_sparse", 100, 0),
                    (1, 7) => ("dense", 0, 0),
                    _ => mix[((layer * 3) + head) % mix.Length],
                };
                string score = (layer, head) switch
                {
                    (0, 0) => "0.33349305391311646",
                    (3, 1) => "0.96484375",
                    (2, 6) => "1",
                    (1, 7) => "0",
                    _ when head % 3 == 2 => ((layer + head) % 2).ToString(CultureInfo.InvariantCulture),
                    _ => floatScores[(layer + head) % floatScores.Length].ToString("R", CultureInfo.InvariantCulture),
                };
                heads.Add($"\"{head}\": [\"{name}\", {a}, {b}, {score}]");
            }

            layers.Add("{" + string.Join(", ", heads) + "}");
        }

        return "[" + string.Join(", ", layers) + "]";
    }
}

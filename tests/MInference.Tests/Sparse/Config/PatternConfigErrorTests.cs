using System.Text.Json;
using MInference.Sparse.Config;

namespace MInference.Tests.Sparse.Config;

public sealed class PatternConfigErrorTests
{
    private const string Source = "llama.json";

    /// <summary>Head "1" of a one-layer, two-head file holds <paramref name="entry"/>; the message is exact.</summary>
    [TestCase("""["vertcal_and_slash", 1000, 6096, 0.5]""",
        """unknown pattern "vertcal_and_slash"; expected one of vertical_and_slash, stream_llm, block_sparse, grid, q_boundary, k_boundary, 2d_boundary, dense""")]
    [TestCase("""["vertical_and_slash", 0, 6096, 0.5]""", "vertical_and_slash vertical_size = 0; expected an integer in [1, 1073741824]")]
    [TestCase("""["vertical_and_slash", 1000, 1073741825, 0.5]""", "vertical_and_slash slash_size = 1073741825; expected an integer in [1, 1073741824]")]
    [TestCase("""["vertical_and_slash", 1000.5, 6096, 0.5]""", "vertical_and_slash vertical_size: expected an integer, got a number 1000.5")]
    [TestCase("""["vertical_and_slash", "1000", 6096, 0.5]""", "vertical_and_slash vertical_size: expected an integer, got a string \"1000\"")]
    [TestCase("""["stream_llm", -1, 800, 0.5]""", "stream_llm n_init = -1; expected an integer in [0, 1073741824]")]
    [TestCase("""["stream_llm", 100, 0, 0.5]""", "stream_llm n_local = 0; expected an integer in [1, 1073741824]")]
    [TestCase("""["block_sparse", 0, 0, 0.5]""", "block_sparse top_k = 0; expected an integer in [1, 1073741824]")]
    [TestCase("""["block_sparse", 8, null, 0.5]""", "block_sparse item 2 (unused): expected a number, got null null")]
    [TestCase("""["dense", 0, 0, "high"]""", "score: expected a finite number, got a string \"high\"")]
    [TestCase("""["dense", 0, 0, 1e999]""", "score: expected a finite number, got a number 1e999")]
    [TestCase("""["dense", 0, 0]""", "expected [pattern_name, a, b, score], got an array of 3 items")]
    [TestCase("""{"name": "dense"}""", "expected [pattern_name, a, b, score], got an object")]
    [TestCase("""[7, 0, 0, 1]""", "pattern name: expected a string, got a number 7")]
    public void AnEntryProblemNamesTheFileTheLayerAndTheHead(string entry, string problem)
    {
        string json = $$"""[{"0": ["dense", 0, 0, 1], "1": {{entry}}}]""";
        PatternConfigException exception = Assert.Throws<PatternConfigException>(() => HeadPatternConfig.Parse(json, Source, 1, 2))!;
        Assert.Multiple(() =>
        {
            Assert.That(exception.Message, Is.EqualTo($"llama.json: layer 0, head \"1\": {problem}"));
            Assert.That(exception.SourceName, Is.EqualTo(Source));
            Assert.That(exception.Layer, Is.Zero);
            Assert.That(exception.Head, Is.EqualTo("1"));
            Assert.That(exception.Problem, Is.EqualTo(problem));
            Assert.That(exception, Is.InstanceOf<FormatException>());
        });
    }

    [TestCase("01", "not a head index; expected a decimal index without sign or leading zeros, \"0\"..\"2\"")]
    [TestCase("-1", "not a head index; expected a decimal index without sign or leading zeros, \"0\"..\"2\"")]
    [TestCase(" 1", "not a head index; expected a decimal index without sign or leading zeros, \"0\"..\"2\"")]
    [TestCase("", "not a head index; expected a decimal index without sign or leading zeros, \"0\"..\"2\"")]
    [TestCase("3", "head index out of range; expected \"0\"..\"2\" (the model's query-head count is 3)")]
    [TestCase("99999999999", "not a head index; expected a decimal index without sign or leading zeros, \"0\"..\"2\"")]
    public void ABadHeadKeyIsNamed(string key, string problem)
    {
        string layer = """{"0": ["dense", 0, 0, 1], "1": ["dense", 0, 0, 1], "2": ["dense", 0, 0, 1]}""";
        string json = $$"""[{{layer}}, {"0": ["dense", 0, 0, 1], "{{key}}": ["dense", 0, 0, 1]}]""";
        Assert.That(() => HeadPatternConfig.Parse(json, Source, 2, 3),
            Throws.InstanceOf<PatternConfigException>().With.Message.EqualTo($"llama.json: layer 1, head \"{key}\": {problem}"));
    }

    [Test]
    public void MissingAndRepeatedHeadsAreNamed()
    {
        string missing = """[{"0": ["dense", 0, 0, 1], "2": ["dense", 0, 0, 1]}]""";
        string repeated = """[{"0": ["dense", 0, 0, 1], "1": ["dense", 0, 0, 1], "1": ["dense", 0, 0, 2]}]""";
        string manyMissing = "[{}]";
        Assert.Multiple(() =>
        {
            Assert.That(() => HeadPatternConfig.Parse(missing, Source, 1, 4),
                Throws.InstanceOf<PatternConfigException>().With.Message.EqualTo(
                    "llama.json: layer 0: 2 head(s) missing: \"1\", \"3\"; expected every head \"0\"..\"3\" exactly once (the model's query-head count is 4)"));
            Assert.That(() => HeadPatternConfig.Parse(repeated, Source, 1, 2),
                Throws.InstanceOf<PatternConfigException>().With.Message.EqualTo(
                    "llama.json: layer 0, head \"1\": the head appears more than once; expected each head exactly once"));
            Assert.That(() => HeadPatternConfig.Parse(manyMissing, Source, 1, 32),
                Throws.InstanceOf<PatternConfigException>().With.Message.Contains(
                    "32 head(s) missing: \"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\" and 22 more;"));
        });
    }

    [Test]
    public void TheFileShapeMustMatchTheModel()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => HeadPatternConfig.Parse("""{"0": ["dense", 0, 0, 1]}""", Source, 1, 1),
                Throws.InstanceOf<PatternConfigException>().With.Message.EqualTo(
                    "llama.json: expected a JSON array with one object per layer at the top level, got an object"));
            Assert.That(() => HeadPatternConfig.Parse("""[{"0": ["dense", 0, 0, 1]}]""", Source, 32, 1),
                Throws.InstanceOf<PatternConfigException>().With.Message.EqualTo("llama.json: 1 layers; expected 32 (the model's layer count)"));
            Assert.That(() => HeadPatternConfig.Parse("[]", Source, 1, 1),
                Throws.InstanceOf<PatternConfigException>().With.Message.EqualTo("llama.json: 0 layers; expected 1 (the model's layer count)"));
            Assert.That(() => HeadPatternConfig.Parse("""[{"0": ["dense", 0, 0, 1]}, ["dense"]]""", Source, 2, 1),
                Throws.InstanceOf<PatternConfigException>().With.Message.EqualTo(
                    "llama.json: layer 1: expected a JSON object mapping head indices to patterns, got an array")
                    .And.Property("Layer").EqualTo(1).And.Property("Head").Null);
        });
    }

    [Test]
    public void MalformedJsonReportsItsPosition()
    {
        // Line 3 (1-based) holds the problem: a value is missing after the colon's comma.
        const string Json = "[\n  {\"0\": [\"dense\", 0, 0, 1],\n   \"1\": [\"dense\", 0, , 1]}\n]";
        PatternConfigException exception = Assert.Throws<PatternConfigException>(() => HeadPatternConfig.Parse(Json, Source, 1, 2))!;
        Assert.Multiple(() =>
        {
            Assert.That(exception.Message, Does.StartWith("llama.json: malformed JSON at line 3, byte 22 of the line: "));
            Assert.That(exception.Message, Does.Not.Contain("LineNumber"), "the 0-based position is not repeated");
            Assert.That(exception.InnerException, Is.InstanceOf<JsonException>());
            Assert.That(exception.Layer, Is.Null);
        });
    }

    [TestCase("[{\"0\": [\"dense\", 0, 0, 1],}]", Description = "trailing comma")]
    [TestCase("[{\"0\": [\"dense\", 0, 0, 1]} // a comment\n]", Description = "comment")]
    [TestCase("[{\"0\": [\"dense\", 0, 0, 1]}", Description = "truncated")]
    [TestCase("", Description = "empty")]
    public void NonStandardOrTruncatedJsonIsMalformed(string json)
    {
        Assert.That(() => HeadPatternConfig.Parse(json, Source, 1, 1),
            Throws.InstanceOf<PatternConfigException>().With.Message.StartsWith("llama.json: malformed JSON").And.InnerException.InstanceOf<JsonException>());
    }

    [TestCase("""["block_sparse", 8, -3, 0.5]""", Description = "block_sparse b unused")]
    [TestCase("""["dense", 2.5, -1, 0.5]""", Description = "dense a and b unused")]
    public void UnusedItemsMayHoldAnyNumber(string entry)
    {
        HeadPatternConfig config = HeadPatternConfig.Parse($$"""[{"0": {{entry}}}]""", Source, 1, 1);
        Assert.That(config[0, 0].Score, Is.EqualTo(0.5));
    }
}

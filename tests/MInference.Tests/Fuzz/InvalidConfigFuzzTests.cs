using System.Globalization;
using System.Text;
using MInference.Sparse.Config;

namespace MInference.Tests.Fuzz;

/// <summary>
/// Invalid pattern files: a valid random MInference config (1-3 layers, 1-16 heads, every kind)
/// with one seeded mutation (wrong types, negative, zero or huge sizes, missing or extra items,
/// unknown names, bad head keys, duplicate or missing heads, wrong layer counts, truncated or
/// trailing text, comments, deep nesting, invalid UTF-8), read from text, a stream or a file. Each
/// must fail with <see cref="PatternConfigException"/>.
/// </summary>
public sealed class InvalidConfigFuzzTests
{
    public const int Cases = 250;
    private const int MasterSeed = 9_2026;

    [Test]
    public void EveryMutatedPatternFileIsRejectedWithAPatternConfigException()
    {
        var master = new Random(MasterSeed);
        using var directory = new IO.TemporaryDirectory();
        InvalidCase[] cases = Enumerable.Range(0, Cases).Select(_ => Mutate(master.Next(), directory.Path)).ToArray();
        InvalidCase.AssertAllRejected(cases, Cases);
    }

    /// <summary>A valid config's layers: each head's entry as its JSON array text.</summary>
    internal static string[][] ValidLayers(Random random, int layers, int heads)
    {
        string Entry() => random.Next(4) switch
        {
            0 => FormattableString.Invariant($"[\"dense\", 0, 0, {random.NextDouble():F3}]"),
            1 => FormattableString.Invariant($"[\"stream_llm\", {random.Next(200)}, {1 + random.Next(5000)}, {random.NextDouble():F3}]"),
            2 => FormattableString.Invariant($"[\"block_sparse\", {1 + random.Next(200)}, 0, {random.NextDouble():F3}]"),
            _ => FormattableString.Invariant($"[\"vertical_and_slash\", {1 + random.Next(4000)}, {1 + random.Next(8000)}, {random.NextDouble():F3}]"),
        };
        return Enumerable.Range(0, layers).Select(_ => Enumerable.Range(0, heads).Select(_ => Entry()).ToArray()).ToArray();
    }

    internal static string Json(string[][] layers, Func<int, int, string>? key = null) =>
        "[" + string.Join(", ", layers.Select((heads, layer) =>
            "{" + string.Join(", ", heads.Select((entry, head) => $"\"{(key ?? ((_, h) => h.ToString(CultureInfo.InvariantCulture)))(layer, head)}\": {entry}")) + "}")) + "]";

    internal static InvalidCase Mutate(int seed, string directory)
    {
        var random = new Random(seed);
        int layerCount = 1 + random.Next(3), heads = 1 + random.Next(16);
        string[][] layers = ValidLayers(random, layerCount, heads);
        int layer = random.Next(layerCount), head = random.Next(heads);
        string valid = Json(layers);
        string EntryReplaced(string entry)
        {
            string[][] copy = layers.Select(l => l.ToArray()).ToArray();
            copy[layer][head] = entry;
            return Json(copy);
        }

        string[] badNames = ["\"vertcal_and_slash\"", "\"Dense\"", "\"\"", "7", "null", "true", "[\"dense\"]", "{}"];
        string[] badSizes = ["\"12\"", "1.5", "-1", "1073741825", "9223372036854775808", "1e30", "true", "null", "[]", "-0.0001"];
        string[] badScores = ["\"0.5\"", "null", "true", "[]", "{}", "1e400", "-1e999"];
        string[] badKeys = ["-1", "01", "a", "", " 1", "1.0", "+1", heads.ToString(CultureInfo.InvariantCulture), "99999999999", "0x1"];
        string what;
        string? text;
        byte[]? bytes = null;
        switch (random.Next(15))
        {
            case 0:
                string name = badNames[random.Next(badNames.Length)];
                (what, text) = ($"pattern name {name}", EntryReplaced($"[{name}, 1, 1, 0.5]"));
                break;
            case 1:
                string size = badSizes[random.Next(badSizes.Length)];
                string[] kinds = ["stream_llm", "block_sparse", "vertical_and_slash"];
                string kind = kinds[random.Next(kinds.Length)];
                bool first = random.Next(2) == 0 || kind == "block_sparse";
                (what, text) = ($"{kind} size {size}", EntryReplaced(first ? $"[\"{kind}\", {size}, 1, 0.5]" : $"[\"{kind}\", 1, {size}, 0.5]"));
                break;
            case 2:
                string[] zeroSized = ["[\"stream_llm\", 0, 0, 0.5]", "[\"block_sparse\", 0, 0, 0.5]", "[\"vertical_and_slash\", 0, 5, 0.5]", "[\"vertical_and_slash\", 5, 0, 0.5]"];
                (what, text) = ("a zero size", EntryReplaced(zeroSized[random.Next(zeroSized.Length)]));
                break;
            case 3:
                string score = badScores[random.Next(badScores.Length)];
                (what, text) = ($"score {score}", EntryReplaced($"[\"dense\", 0, 0, {score}]"));
                break;
            case 4:
                string[] shapes = ["[]", "[\"dense\"]", "[\"dense\", 0]", "[\"dense\", 0, 0]", "[\"dense\", 0, 0, 1, 2]", "\"dense\"", "{\"dense\": 1}", "null", "3"];
                string shape = shapes[random.Next(shapes.Length)];
                (what, text) = ($"entry {shape}", EntryReplaced(shape));
                break;
            case 5:
                string[] unused = ["[\"dense\", \"x\", 0, 1]", "[\"dense\", 0, null, 1]", "[\"block_sparse\", 4, true, 1]", "[\"dense\", [], 0, 1]"];
                string entry = unused[random.Next(unused.Length)];
                (what, text) = ($"unused item not a number: {entry}", EntryReplaced(entry));
                break;
            case 6:
                string badKey = badKeys[random.Next(badKeys.Length)];
                (what, text) = ($"head key \"{badKey}\"", Json(layers, (l, h) => l == layer && h == head ? badKey : h.ToString(CultureInfo.InvariantCulture)));
                break;
            case 7:
                bool duplicate = heads > 1 && random.Next(2) == 0;
                string other = ((head + 1) % heads).ToString(CultureInfo.InvariantCulture);
                (what, text) = duplicate
                    ? ($"head {other} twice (head {head} missing)", Json(layers, (l, h) => l == layer && h == head ? other : h.ToString(CultureInfo.InvariantCulture)))
                    : ($"head {head} missing", Json(layers.Select((l, i) => i == layer ? l.Where((_, h) => h != head).ToArray() : l).ToArray(),
                        (l, h) => (l == layer && h >= head ? h + 1 : h).ToString(CultureInfo.InvariantCulture)));
                break;
            case 8:
                (what, text) = random.Next(2) == 0
                    ? ("a layer missing", Json(layers.Where((_, l) => l != layer).ToArray()))
                    : ("a layer too many", Json([.. layers, layers[layer]]));
                break;
            case 9:
                string[] roots = ["{}", "\"x\"", "1", "null", "[1]", "[[]]", "[null]", $"{{\"0\": {valid}}}"];
                string root = roots[random.Next(roots.Length)];
                (what, text) = ($"document {Shorten(root)}", root);
                break;
            case 10:
                int cut = random.Next(valid.Length);
                (what, text) = ($"truncated at {cut} of {valid.Length}", valid[..cut]);
                break;
            case 11:
                string[] extras = [valid + "x", valid + ",", valid + " /* c */", valid[..^2] + ",}]", valid[..^1] + ",]", valid + valid, "\u0000" + valid];
                string extra = extras[random.Next(extras.Length)];
                (what, text) = ($"extra text: {Shorten(extra[Math.Max(0, extra.Length - 12)..])}", extra);
                break;
            case 12:
                int depth = 65 + random.Next(200);
                (what, text) = ($"nesting {depth} deep", new string('[', depth) + new string(']', depth));
                break;
            case 13:
                (what, text) = ("a lone surrogate (invalid UTF-16) in a pattern name", EntryReplaced("[\"dense\uD800\", 0, 0, 0.5]"));
                break;
            default:
                byte[][] invalidUtf8 = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xF0, 0x28, 0x8C, 0x28], [0xC0, 0x80], [0xED, 0xA0, 0x80]];
                byte[] bad = invalidUtf8[random.Next(invalidUtf8.Length)];
                bool inKey = random.Next(2) == 0;
                string marker = "\u0001MARK\u0001";
                string marked = inKey
                    ? Json(layers, (l, h) => l == layer && h == head ? marker : h.ToString(CultureInfo.InvariantCulture))
                    : EntryReplaced($"[\"{marker}\", 1, 1, 0.5]");
                byte[] encoded = Encoding.UTF8.GetBytes(marked);
                byte[] markerBytes = Encoding.UTF8.GetBytes(marker);
                int at = encoded.AsSpan().IndexOf(markerBytes);
                bytes = [.. encoded[..at], .. bad, .. encoded[(at + markerBytes.Length)..]];
                (what, text) = ($"invalid UTF-8 {Convert.ToHexString(bad)} in a {(inKey ? "head key" : "pattern name")}", null);
                break;
        }

        string description = $"config seed {seed}: {what} ({layerCount} layers × {heads} heads)";
        bytes ??= Encoding.UTF8.GetBytes(text!);
        byte[] content = bytes;
        Action read = random.Next(3) switch
        {
            0 when text is not null => () => HeadPatternConfig.Parse(text, "fuzz.json", layerCount, heads),
            1 => () => HeadPatternConfig.Load(new MemoryStream(content), "fuzz.json", layerCount, heads),
            _ => () =>
            {
                string path = Path.Combine(directory, $"config-{seed}.json");
                File.WriteAllBytes(path, content);
                HeadPatternConfig.Load(path, layerCount, heads);
            },
        };
        return new InvalidCase(description, read, typeof(PatternConfigException));
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}

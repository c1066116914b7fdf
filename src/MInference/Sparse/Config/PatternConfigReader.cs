using System.Text;
using System.Text.Json;
using MInference.Sparse.Patterns;
using MInference.Sparse.Patterns.Kinds;

namespace MInference.Sparse.Config;

/// <summary>
/// Parses and validates a pattern file against the model's layer and head counts; every problem
/// becomes a <see cref="PatternConfigException"/> that names the source, the layer and the head.
/// </summary>
internal sealed class PatternConfigReader
{
    private const int MaxListedMissingHeads = 10;
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonDocumentOptions s_documentOptions = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    private readonly string _sourceName;
    private readonly int _expectedLayerCount;
    private readonly int _expectedHeadCount;

    public PatternConfigReader(string sourceName, int expectedLayerCount, int expectedHeadCount)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedLayerCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedHeadCount, 1);
        _sourceName = sourceName;
        _expectedLayerCount = expectedLayerCount;
        _expectedHeadCount = expectedHeadCount;
    }

    public HeadPatternConfig Read(Stream stream)
    {
        // System.Text.Json checks UTF-8 only where it transcodes a string (throwing
        // InvalidOperationException from a name or key), so the whole text is checked first.
        using var content = new MemoryStream();
        stream.CopyTo(content);
        RequireUtf8(content.GetBuffer().AsSpan(0, (int)content.Length));
        content.Position = 0;
        using JsonDocument document = ParseDocument(() => JsonDocument.Parse(content, s_documentOptions));
        return ReadLayers(document.RootElement);
    }

    public HeadPatternConfig Read(string json)
    {
        using JsonDocument document = ParseDocument(() => JsonDocument.Parse(json, s_documentOptions));
        return ReadLayers(document.RootElement);
    }

    private void RequireUtf8(ReadOnlySpan<byte> text)
    {
        try
        {
            _ = s_strictUtf8.GetCharCount(text);
        }
        catch (DecoderFallbackException exception)
        {
            string bytes = exception.BytesUnknown is { Length: > 0 } unknown ? string.Join(" ", unknown.Select(b => $"0x{b:X2}")) : "?";
            string where = exception.Index >= 0 ? $" at byte {exception.Index}" : string.Empty;
            throw Error(null, null, $"not valid UTF-8 (invalid byte(s) {bytes}{where}); expected UTF-8 JSON text", exception);
        }
    }

    private JsonDocument ParseDocument(Func<JsonDocument> parse)
    {
        try
        {
            return parse();
        }
        catch (JsonException exception)
        {
            throw Error(null, null, $"malformed JSON{JsonErrorText.Describe(exception)}", exception);
        }
        catch (ArgumentException exception)
        {
            // The options are fixed and valid: JsonDocument.Parse(string) throws this only for text
            // it cannot transcode (invalid UTF-16, such as a lone surrogate).
            throw Error(null, null, $"not valid Unicode text ({exception.Message})", exception);
        }
    }

    private HeadPatternConfig ReadLayers(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw Error(null, null, $"expected a JSON array with one object per layer at the top level, got {Describe(root.ValueKind)}");
        }

        int layerCount = root.GetArrayLength();
        if (layerCount != _expectedLayerCount)
        {
            throw Error(null, null, $"{layerCount} layers; expected {_expectedLayerCount} (the model's layer count)");
        }

        var layers = new HeadPatternEntry[layerCount][];
        int layer = 0;
        foreach (JsonElement layerObject in root.EnumerateArray())
        {
            layers[layer] = ReadLayer(layer, layerObject);
            layer++;
        }

        return new HeadPatternConfig(layers);
    }

    private HeadPatternEntry[] ReadLayer(int layer, JsonElement layerObject)
    {
        if (layerObject.ValueKind != JsonValueKind.Object)
        {
            throw Error(layer, null, $"expected a JSON object mapping head indices to patterns, got {Describe(layerObject.ValueKind)}");
        }

        var heads = new HeadPatternEntry?[_expectedHeadCount];
        foreach (JsonProperty property in layerObject.EnumerateObject())
        {
            int head = ParseHeadKey(layer, property.Name);
            if (heads[head] is not null)
            {
                throw Error(layer, property.Name, "the head appears more than once; expected each head exactly once");
            }

            heads[head] = ReadEntry(layer, property.Name, property.Value);
        }

        int[] missing = Enumerable.Range(0, _expectedHeadCount).Where(head => heads[head] is null).ToArray();
        if (missing.Length > 0)
        {
            string listed = string.Join(", ", missing.Take(MaxListedMissingHeads).Select(head => $"\"{head}\""));
            string more = missing.Length > MaxListedMissingHeads ? $" and {missing.Length - MaxListedMissingHeads} more" : "";
            throw Error(layer, null,
                $"{missing.Length} head(s) missing: {listed}{more}; expected every head {ExpectedHeadRange} exactly once (the model's query-head count is {_expectedHeadCount})");
        }

        return heads!;
    }

    private string ExpectedHeadRange => _expectedHeadCount == 1 ? "\"0\"" : $"\"0\"..\"{_expectedHeadCount - 1}\"";

    private int ParseHeadKey(int layer, string key)
    {
        bool canonicalDecimal = key.Length is > 0 and <= 9 && key.All(char.IsAsciiDigit) && (key.Length == 1 || key[0] != '0');
        if (!canonicalDecimal)
        {
            throw Error(layer, key, $"not a head index; expected a decimal index without sign or leading zeros, {ExpectedHeadRange}");
        }

        int head = int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
        if (head >= _expectedHeadCount)
        {
            throw Error(layer, key, $"head index out of range; expected {ExpectedHeadRange} (the model's query-head count is {_expectedHeadCount})");
        }

        return head;
    }

    private HeadPatternEntry ReadEntry(int layer, string key, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 4)
        {
            string got = value.ValueKind == JsonValueKind.Array ? $"an array of {value.GetArrayLength()} items" : Describe(value.ValueKind);
            throw Error(layer, key, $"expected [pattern_name, a, b, score], got {got}");
        }

        JsonElement name = value[0];
        if (name.ValueKind != JsonValueKind.String)
        {
            throw Error(layer, key, $"pattern name: expected a string, got {Describe(name.ValueKind)} {name.GetRawText()}");
        }

        string patternName = name.GetString()!;
        PatternKind kind = PatternKinds.Find(patternName)
            ?? throw Error(layer, key, $"unknown pattern \"{patternName}\"; expected one of {string.Join(", ", HeadPattern.JsonNames)}");
        Span<int> sizes = stackalloc int[kind.Sizes.Count];
        for (int slot = 0; slot < sizes.Length; slot++)
        {
            sizes[slot] = ReadSize(layer, key, value[slot + 1], patternName, kind.Sizes[slot].Name, kind.Sizes[slot].Minimum);
        }

        HeadPattern pattern = kind.Create(sizes);

        // Slots a pattern does not use may hold any number; they are not kept.
        int unusedFrom = 1 + sizes.Length;
        for (int slot = unusedFrom; slot < 3; slot++)
        {
            if (value[slot].ValueKind != JsonValueKind.Number)
            {
                throw Error(layer, key, $"{patternName} item {slot} (unused): expected a number, got {Describe(value[slot].ValueKind)} {value[slot].GetRawText()}");
            }
        }

        JsonElement score = value[3];
        if (score.ValueKind != JsonValueKind.Number || !score.TryGetDouble(out double scoreValue) || !double.IsFinite(scoreValue))
        {
            throw Error(layer, key, $"score: expected a finite number, got {Describe(score.ValueKind)} {score.GetRawText()}");
        }

        return new HeadPatternEntry(pattern, scoreValue);
    }

    private int ReadSize(int layer, string key, JsonElement element, string patternName, string sizeName, int minimum)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long size))
        {
            throw Error(layer, key, $"{patternName} {sizeName}: expected an integer, got {Describe(element.ValueKind)} {element.GetRawText()}");
        }

        if (size < minimum || size > HeadPattern.MaxSize)
        {
            throw Error(layer, key, $"{patternName} {sizeName} = {size}; expected an integer in [{minimum}, {HeadPattern.MaxSize}]");
        }

        return (int)size;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private PatternConfigException Error(int? layer, string? head, string problem, Exception? innerException = null) =>
        new(_sourceName, layer, head, problem, innerException);
}

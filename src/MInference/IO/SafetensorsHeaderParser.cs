using System.Collections.ObjectModel;
using System.Text;
using System.Text.Json;

namespace MInference.IO;

/// <summary>
/// Parses and validates the JSON header of a safetensors file against the size of its data buffer:
/// strict UTF-8, one JSON object, unique names and a string-to-string <c>__metadata__</c> here; each
/// tensor entry through <see cref="SafetensorsEntryReader"/>, their placement through
/// <see cref="SafetensorsLayoutCheck"/>. Every problem becomes a <see cref="SafetensorsFormatException"/>
/// naming the file and the tensor.
/// </summary>
internal sealed class SafetensorsHeaderParser
{
    internal const string MetadataKey = "__metadata__";

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonDocumentOptions s_documentOptions = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    private readonly string _path;
    private readonly long _dataLength;

    /// <param name="path">The file's path, for messages.</param>
    /// <param name="dataLength">Length in bytes of the data buffer that follows the header.</param>
    public SafetensorsHeaderParser(string path, long dataLength)
    {
        _path = path;
        _dataLength = dataLength;
    }

    public SafetensorsHeader Parse(byte[] header)
    {
        RequireUtf8(header);
        if (header[0] != (byte)'{')
        {
            throw Error(null, $"the header starts with {DescribeStart(header)}; expected a JSON object, starting with '{{'");
        }

        using JsonDocument document = ParseJson(header);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Error(null, $"the header is {SafetensorsJson.Describe(root)}; expected a JSON object mapping tensor names to entries");
        }

        var tensors = new List<SafetensorsTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var entries = new SafetensorsEntryReader(_path, _dataLength);
        foreach (JsonProperty property in root.EnumerateObject())
        {
            string name = SafetensorsJson.GetName(property, _path, null);
            if (!seen.Add(name))
            {
                throw name == MetadataKey
                    ? Error(null, $"{MetadataKey} appears more than once; expected it at most once")
                    : Error(name, "the name appears more than once in the header; expected unique tensor names");
            }

            if (name == MetadataKey)
            {
                ReadMetadata(property.Value, metadata);
            }
            else
            {
                tensors.Add(entries.Read(name, property.Value));
            }
        }

        IReadOnlyList<SafetensorsTensorInfo> ordered = SafetensorsLayoutCheck.OrderAndCheckCoverage(_path, tensors, _dataLength);
        return new SafetensorsHeader(ordered, new ReadOnlyDictionary<string, string>(metadata));
    }

    private void RequireUtf8(byte[] header)
    {
        try
        {
            _ = s_strictUtf8.GetCharCount(header);
        }
        catch (DecoderFallbackException exception)
        {
            string bytes = exception.BytesUnknown is { Length: > 0 } unknown
                ? string.Join(" ", unknown.Select(b => $"0x{b:X2}"))
                : "?";
            string where = exception.Index >= 0 ? $" at header byte {exception.Index}" : "";
            throw Error(null, $"the header is not valid UTF-8 (invalid byte(s) {bytes}{where}); expected UTF-8 JSON text", exception);
        }
    }

    private JsonDocument ParseJson(byte[] header)
    {
        try
        {
            return JsonDocument.Parse(header, s_documentOptions);
        }
        catch (JsonException exception)
        {
            throw Error(null, $"the header is not valid JSON{JsonErrorText.Describe(exception)}", exception);
        }
    }

    private void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(null, $"{MetadataKey} is {SafetensorsJson.Describe(value)}; expected an object mapping strings to strings");
        }

        foreach (JsonProperty property in value.EnumerateObject())
        {
            string key = SafetensorsJson.GetName(property, _path, null);
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(null, $"{MetadataKey} key \"{SafetensorsJson.Quote(key)}\" holds {SafetensorsJson.Describe(property.Value)}; expected a string value");
            }

            if (!metadata.TryAdd(key, SafetensorsJson.GetString(property.Value, _path, null, $"{MetadataKey} key \"{SafetensorsJson.Quote(key)}\"")))
            {
                throw Error(null, $"{MetadataKey} key \"{SafetensorsJson.Quote(key)}\" appears more than once; expected unique keys");
            }
        }
    }

    private static string DescribeStart(byte[] header)
    {
        byte first = header[0];
        if (header.Length >= 3 && first == 0xEF && header[1] == 0xBB && header[2] == 0xBF)
        {
            return "a UTF-8 byte-order mark";
        }

        return first is >= 0x21 and <= 0x7E ? $"'{(char)first}'" : $"byte 0x{first:X2}";
    }

    private SafetensorsFormatException Error(string? tensorName, string problem, Exception? innerException = null) =>
        new(_path, tensorName, problem, innerException);
}

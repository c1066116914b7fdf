using System.Text;
using System.Text.Json;

namespace MInference.Multimodal;

/// <summary>
/// Modality maps as JSON files, for prompts captured from a vision-language model:
/// <code>
/// { "format": "minference.modality_map", "version": 1,
///   "segments": [ { "modality": "text", "length": 70 },
///                 { "modality": "video", "frames": 6, "height": 8, "width": 8 },
///                 { "modality": "text", "length": 12 } ] }
/// </code>
/// Segments follow each other from token 0 in order; a video segment holds frames × height × width
/// tokens, frame-major then row-major. Reading checks everything (size limit, JSON syntax, every
/// field and its type, unknown fields, the sizes) and throws <see cref="ModalityMapFormatException"/>
/// naming the segment and what was expected; writing goes to a temporary file renamed into place.
/// </summary>
public static class ModalityMapFile
{
    /// <summary>The <c>format</c> field's value.</summary>
    public const string Format = "minference.modality_map";

    /// <summary>The <c>version</c> this library reads and writes.</summary>
    public const int Version = 1;

    /// <summary>The largest file read (a map of thousands of segments is a few hundred KB).</summary>
    public const long MaxBytes = 16 << 20;

    private static readonly JsonDocumentOptions s_options = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Reads a map file.</summary>
    /// <exception cref="ModalityMapFormatException">The file is malformed; the message says where and what was expected.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ModalityMap Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (info.Exists && info.Length > MaxBytes)
        {
            throw new ModalityMapFormatException($"{info.Name}: {info.Length} bytes; expected a modality map of at most {MaxBytes} bytes");
        }

        return Parse(File.ReadAllText(path, Encoding.UTF8), info.Name);
    }

    /// <summary>Parses a map from JSON text; <paramref name="sourceName"/> starts every error message.</summary>
    /// <exception cref="ModalityMapFormatException">The text is malformed.</exception>
    public static ModalityMap Parse(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sourceName);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, s_options);
        }
        catch (JsonException error)
        {
            throw new ModalityMapFormatException($"{sourceName}: not valid JSON ({error.Message})", error);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(sourceName, null, $"the top level is {root.ValueKind}; expected an object with format, version and segments");
            }

            RequireOnly(root, sourceName, null, "format", "version", "segments");
            if (String(root, "format", sourceName, null) != Format)
            {
                throw Error(sourceName, null, $"\"format\" is not \"{Format}\"");
            }

            int version = Integer(root, "version", sourceName, null, minimum: 1);
            if (version != Version)
            {
                throw Error(sourceName, null, $"\"version\" is {version}; this library reads version {Version}");
            }

            if (!root.TryGetProperty("segments", out JsonElement segments) || segments.ValueKind != JsonValueKind.Array || segments.GetArrayLength() == 0)
            {
                throw Error(sourceName, null, "\"segments\" is missing or not a non-empty array");
            }

            var list = new List<ModalitySegment>();
            long start = 0;
            int index = 0;
            foreach (JsonElement segment in segments.EnumerateArray())
            {
                ModalitySegment parsed = Segment(segment, sourceName, index, start);
                list.Add(parsed);
                start += parsed.Length;
                index++;
            }

            return new ModalityMap(list);
        }
    }

    /// <summary>Writes <paramref name="map"/> to <paramref name="path"/> through a temporary file renamed into place.</summary>
    /// <exception cref="IOException">The file cannot be written; nothing is left behind.</exception>
    public static void Save(ModalityMap map, string path)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string temporary = fullPath + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            File.WriteAllText(temporary, ToJson(map), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The map as the file's JSON text (indented).</summary>
    public static string ToJson(ModalityMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteNumber("version", Version);
            writer.WriteStartArray("segments");
            foreach (ModalitySegment segment in map.Segments)
            {
                writer.WriteStartObject();
                if (segment.Video is { } video)
                {
                    writer.WriteString("modality", "video");
                    writer.WriteNumber("frames", video.Frames);
                    writer.WriteNumber("height", video.Height);
                    writer.WriteNumber("width", video.Width);
                }
                else
                {
                    writer.WriteString("modality", "text");
                    writer.WriteNumber("length", segment.Length);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static ModalitySegment Segment(JsonElement segment, string source, int index, long start)
    {
        if (segment.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, index, $"is {segment.ValueKind}; expected an object");
        }

        string modality = String(segment, "modality", source, index);
        ModalitySegment result;
        switch (modality)
        {
            case "text":
                RequireOnly(segment, source, index, "modality", "length");
                result = ModalitySegment.Text(0, Integer(segment, "length", source, index, minimum: 1));
                break;
            case "video":
                RequireOnly(segment, source, index, "modality", "frames", "height", "width");
                var geometry = new VideoGeometry(
                    Integer(segment, "frames", source, index, minimum: 1), Integer(segment, "height", source, index, minimum: 1), Integer(segment, "width", source, index, minimum: 1));
                if (geometry.Tokens > int.MaxValue)
                {
                    throw Error(source, index, $"a video of {geometry.Tokens} tokens; expected fewer than 2^31");
                }

                result = new ModalitySegment(Modality.Video, 0, (int)geometry.Tokens, geometry);
                break;
            default:
                throw Error(source, index, $"\"modality\" is \"{modality}\"; expected \"text\" or \"video\"");
        }

        if (start + result.Length > int.MaxValue)
        {
            throw Error(source, index, $"the prompt would reach {start + result.Length} tokens; expected fewer than 2^31");
        }

        return result with { Start = (int)start };
    }

    private static void RequireOnly(JsonElement element, string source, int? index, params string[] allowed)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                throw Error(source, index, $"unknown field \"{property.Name}\"; expected only {string.Join(", ", allowed)}");
            }
        }
    }

    private static string String(JsonElement element, string name, string source, int? index) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Error(source, index, $"\"{name}\" is missing or not a string");

    private static int Integer(JsonElement element, string name, string source, int? index, int minimum)
    {
        if (!element.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result))
        {
            throw Error(source, index, $"\"{name}\" is missing or not a 32-bit integer");
        }

        return result >= minimum ? result : throw Error(source, index, $"\"{name}\" is {result}; expected an integer >= {minimum}");
    }

    private static ModalityMapFormatException Error(string source, int? index, string problem) =>
        new(index is null ? $"{source}: {problem}" : $"{source}: segments[{index}]: {problem}");
}

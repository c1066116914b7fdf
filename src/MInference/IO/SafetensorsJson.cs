using System.Text.Json;

namespace MInference.IO;

/// <summary>Reads strings and integers out of a header's JSON, and describes JSON values for messages.</summary>
internal static class SafetensorsJson
{
    private const int MaxQuotedLength = 40;

    /// <summary>A property's name; an escape that is not valid UTF-16 is a format error.</summary>
    public static string GetName(JsonProperty property, string path, string? tensorName)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException exception)
        {
            throw new SafetensorsFormatException(path, tensorName,
                "a property name holds an escape that is not valid UTF-16 (a lone surrogate); expected well-formed text", exception);
        }
    }

    /// <summary>A JSON string's value; an escape that is not valid UTF-16 is a format error naming <paramref name="what"/>.</summary>
    public static string GetString(JsonElement value, string path, string? tensorName, string what)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException exception)
        {
            throw new SafetensorsFormatException(path, tensorName,
                $"{what} holds an escape that is not valid UTF-16 (a lone surrogate); expected well-formed text", exception);
        }
    }

    /// <summary>A JSON integer in [0, <see cref="long.MaxValue"/>]; anything else is a format error naming <paramref name="what"/>.</summary>
    public static long GetNonNegativeInteger(JsonElement item, string path, string tensorName, string what)
    {
        if (item.ValueKind != JsonValueKind.Number)
        {
            throw new SafetensorsFormatException(path, tensorName, $"{what} is {Describe(item)}; expected a non-negative integer");
        }

        if (!item.TryGetInt64(out long value))
        {
            string raw = item.GetRawText();
            bool integral = raw.TrimStart('-').All(char.IsAsciiDigit);
            throw new SafetensorsFormatException(path, tensorName, integral
                ? $"{what} is {Quote(raw)}, out of range; expected a non-negative integer of at most {long.MaxValue}"
                : $"{what} is {Quote(raw)}, not an integer; expected a non-negative integer");
        }

        if (value < 0)
        {
            throw new SafetensorsFormatException(path, tensorName, $"{what} is {value}, negative; expected a non-negative integer");
        }

        return value;
    }

    /// <summary>For example "a number 2.5", "a string \"F32\"", "an object", "null".</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"a string {Quote(value.GetRawText())}",
        JsonValueKind.Number => $"a number {Quote(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"a boolean {value.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => value.ValueKind.ToString(),
    };

    /// <summary>The text, cut to a readable length for a message.</summary>
    public static string Quote(string text) =>
        text.Length <= MaxQuotedLength ? text : string.Concat(text.AsSpan(0, MaxQuotedLength), "…");
}

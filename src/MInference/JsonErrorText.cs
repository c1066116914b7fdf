using System.Text.Json;

namespace MInference;

/// <summary>Readable descriptions of <see cref="JsonException"/>s for the file readers' error messages.</summary>
internal static class JsonErrorText
{
    /// <summary>
    /// " at line L, byte B of the line: what" with 1-based positions. JsonException counts lines and
    /// bytes from 0 and repeats them (and a path) in its message; they are reported once, 1-based.
    /// </summary>
    public static string Describe(JsonException exception)
    {
        string detail = exception.Message;
        int positionText = detail.IndexOf(" LineNumber:", StringComparison.Ordinal);
        int pathText = detail.IndexOf(" Path:", StringComparison.Ordinal);
        int cut = pathText >= 0 ? pathText : positionText;
        detail = cut >= 0 ? detail[..cut] : detail;
        string position = exception.LineNumber is { } line
            ? $" at line {line + 1}, byte {(exception.BytePositionInLine ?? 0) + 1} of the line"
            : "";
        return $"{position}: {detail}";
    }
}

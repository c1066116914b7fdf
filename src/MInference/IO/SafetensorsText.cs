namespace MInference.IO;

/// <summary>Checks on the strings a header holds.</summary>
internal static class SafetensorsText
{
    /// <summary>True when every surrogate of <paramref name="text"/> is part of a pair, so it encodes to UTF-8 unchanged.</summary>
    public static bool IsWellFormed(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}

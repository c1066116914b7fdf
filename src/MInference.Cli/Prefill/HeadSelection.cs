using System.Globalization;

namespace MInference.Cli.Prefill;

/// <summary>Parses head lists such as "0:3,2:5" (layer:head pairs).</summary>
internal static class HeadSelection
{
    /// <exception cref="ArgumentException">An item is not "layer:head" or is out of range.</exception>
    public static IReadOnlyList<(int Layer, int Head)> Parse(string text, int layers, int heads)
    {
        var pairs = new List<(int, int)>();
        foreach (string item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = item.Split(':');
            if (parts.Length != 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int layer)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int head)
                || layer >= layers || head >= heads)
            {
                throw new ArgumentException($"--plot-heads item '{item}': expected layer:head with layer < {layers} and head < {heads}, e.g. 0:3");
            }

            pairs.Add((layer, head));
        }

        return pairs;
    }
}

using System.Globalization;
using System.Text;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.Config;

/// <summary>Writes <see cref="HeadPatternConfig"/> in MInference's pattern-file format, one head per line.</summary>
internal static class PatternConfigWriter
{
    /// <summary>The file's text; dense heads are written as <paramref name="denseAs"/> when given (for loaders that lack "dense").</summary>
    public static string Write(HeadPatternEntry[][] layers, HeadPattern? denseAs = null)
    {
        var text = new StringBuilder();
        text.Append("[\n");
        for (int layer = 0; layer < layers.Length; layer++)
        {
            text.Append("  {\n");
            HeadPatternEntry[] heads = layers[layer];
            for (int head = 0; head < heads.Length; head++)
            {
                HeadPattern pattern = heads[head].Pattern is DensePattern && denseAs is not null ? denseAs : heads[head].Pattern;
                (int first, int second) = pattern.JsonSizes;
                text.Append(CultureInfo.InvariantCulture, $"    \"{head}\": [\"{pattern.JsonName}\", {first}, {second}, ");
                // Shortest text that reads back to the same double; integers have no fraction.
                text.Append(heads[head].Score.ToString("R", CultureInfo.InvariantCulture));
                text.Append(head + 1 < heads.Length ? "],\n" : "]\n");
            }

            text.Append(layer + 1 < layers.Length ? "  },\n" : "  }\n");
        }

        text.Append("]\n");
        return text.ToString();
    }
}

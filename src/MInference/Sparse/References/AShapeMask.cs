using MInference.Sparse.Patterns;

namespace MInference.Sparse.References;

/// <summary>The A-shape (StreamingLLM) mask: attention sinks plus a local window, causal.</summary>
public static class AShapeMask
{
    /// <summary>
    /// True when query <paramref name="query"/> sees key <paramref name="key"/> (both &gt;= 0): key &lt;= query and
    /// (key &lt; n_init or key &gt; query − n_local).
    /// </summary>
    public static bool IsVisible(int query, int key, AShapePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return key <= query && (key < pattern.SinkTokens || key > (long)query - pattern.LocalWindow);
    }

    /// <summary>Appends the keys query <paramref name="query"/> sees to <paramref name="keys"/>, ascending.</summary>
    internal static void AddVisibleKeys(int query, AShapePattern pattern, List<int> keys)
    {
        int sinkEnd = Math.Min(pattern.SinkTokens, query + 1);
        int windowStart = (int)Math.Max((long)query - pattern.LocalWindow + 1, 0);
        for (int key = 0; key < sinkEnd; key++)
        {
            keys.Add(key);
        }

        for (int key = Math.Max(windowStart, sinkEnd); key <= query; key++)
        {
            keys.Add(key);
        }
    }
}

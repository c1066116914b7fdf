namespace MInference.Sparse.Estimation;

/// <summary>Deterministic top-k selection: highest score first, ties broken by the smaller index.</summary>
internal static class TopK
{
    /// <summary>
    /// The indices of the <paramref name="count"/> highest scores (ties: smaller index first; +∞
    /// beats every finite score), in no particular order.
    /// </summary>
    public static int[] Select(ReadOnlySpan<double> scores, int count)
    {
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        double[] values = scores.ToArray();
        Array.Sort(order, (a, b) =>
        {
            int byScore = values[b].CompareTo(values[a]);
            return byScore != 0 ? byScore : a.CompareTo(b);
        });
        return order[..Math.Min(count, order.Length)];
    }
}

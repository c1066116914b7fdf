using MInference.Sparse.Estimation;

namespace MInference.Tests.Gpu;

/// <summary>
/// The selection rule of the estimation, computed on the host for any score array: the leading
/// <c>forced</c> indices count as +∞, the <c>count</c> highest scores win, ties go to the smaller index.
/// </summary>
internal static class VerticalSlashRanking
{
    /// <summary>The scores with the forced entries at +∞.</summary>
    public static double[] Ranked(ReadOnlySpan<float> scores, int forced)
    {
        var ranked = new double[scores.Length];
        for (int i = 0; i < ranked.Length; i++)
        {
            ranked[i] = i < forced ? double.PositiveInfinity : scores[i];
        }

        return ranked;
    }

    /// <summary>The scores with the forced entries at +∞.</summary>
    public static double[] Ranked(ReadOnlySpan<double> scores, int forced)
    {
        double[] ranked = scores.ToArray();
        ranked.AsSpan(0, Math.Min(forced, ranked.Length)).Fill(double.PositiveInfinity);
        return ranked;
    }

    /// <summary>The chosen indices, ascending or descending.</summary>
    public static int[] Choose(double[] ranked, int count, bool ascending)
    {
        int[] chosen = TopK.Select(ranked, count);
        Array.Sort(chosen);
        if (!ascending)
        {
            Array.Reverse(chosen);
        }

        return chosen;
    }

    /// <summary>The <paramref name="count"/>-th highest ranked score (the lowest one chosen).</summary>
    public static double KthBest(double[] ranked, int count) => ranked.OrderDescending().ElementAt(count - 1);
}

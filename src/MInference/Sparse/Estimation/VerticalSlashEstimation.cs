using MInference.Sparse.Patterns;

namespace MInference.Sparse.Estimation;

/// <summary>
/// The CPU reference of Vertical-Slash estimation (MInference's <c>vertical_and_slash_kernel</c>):
/// from the attention of the last 64 queries, choose the key columns and the diagonals each head
/// keeps. Square causal problems only (q_len == kv_len == N).
/// </summary>
/// <remarks>
/// For each (batch, head): take the last <c>last_q = min(64, N)</c> query rows; row i = N − last_q + r
/// scores every key j &lt;= i as scale · q_i · k_j (in double) and normalises with a softmax in
/// double, p(i, j). The vertical score of key j is Σ_i p(i, j); the slash score of offset o is
/// Σ_i p(i, i − o) (rows summed in ascending order). Columns 0..29 and offsets 0..99 are then forced
/// to +∞. With v = min(N, max(vertical_size, 30)) and s = min(N, max(slash_size, 50)), the v
/// columns and the s offsets with the highest scores are kept; ties go to the smaller column or the
/// smaller offset. So every forced column is always kept (v &gt;= 30), and a slash_size below 100
/// keeps the forced offsets 0..s − 1. Verticals are returned ascending, offsets descending (so the
/// list ends with offset 0), ready for <see cref="VerticalSlashIndexBuilder"/>.
/// </remarks>
public static class VerticalSlashEstimation
{
    /// <summary>Query rows the estimation looks at (MInference's last_q), fewer when N is smaller.</summary>
    public const int LastQueryRows = 64;

    /// <summary>Leading key columns always kept (scored +∞), and the smallest vertical count.</summary>
    public const int ForcedVerticals = 30;

    /// <summary>Diagonals nearest the main one (offsets 0..99) that score +∞.</summary>
    public const int ForcedSlashes = 100;

    /// <summary>The smallest slash count.</summary>
    public const int MinimumSlashCount = 50;

    /// <summary>Verticals kept at length N: min(N, max(verticalSize, 30)).</summary>
    public static int EffectiveVerticalCount(int verticalSize, int sequenceLength) => Math.Min(sequenceLength, Math.Max(verticalSize, ForcedVerticals));

    /// <summary>Slashes kept at length N: min(N, max(slashSize, 50)).</summary>
    public static int EffectiveSlashCount(int slashSize, int sequenceLength) => Math.Min(sequenceLength, Math.Max(slashSize, MinimumSlashCount));

    /// <summary>Estimates the verticals and slashes of the given heads, in every batch element.</summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D]; query head h reads key head h / (H / Hkv).</param>
    /// <param name="heads">The query heads to estimate (distinct, in [0, H)); results follow this order.</param>
    /// <param name="pattern">The heads' vertical and slash sizes.</param>
    /// <param name="softmaxScale">Multiplies q · k before the softmax; null for 1/sqrt(D) rounded to float, the value <see cref="CpuAttention"/> uses.</param>
    /// <exception cref="ArgumentException">A shape rule is broken (q_len must equal kv_len), or the head list is empty or repeats a head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head is out of range, or the scale is not finite and positive.</exception>
    public static VerticalSlashEstimate Estimate(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlySpan<int> heads, VerticalSlashPattern pattern, float? softmaxScale = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        CausalProblem problem = CausalProblem.Validate(q, k);
        int[] headList = problem.RequireHeads(heads, nameof(heads));
        double scale = problem.ResolveScale(softmaxScale, nameof(softmaxScale));
        int n = problem.SequenceLength;
        int verticalCount = EffectiveVerticalCount(pattern.VerticalSize, n);
        int slashCount = EffectiveSlashCount(pattern.SlashSize, n);

        int lists = problem.Batch * headList.Length;
        var verticalScores = new double[(long)lists * n];
        var slashScores = new double[(long)lists * n];
        var verticals = new int[(long)lists * verticalCount];
        var slashOffsets = new int[(long)lists * slashCount];
        Parallel.For(0, lists, list =>
        {
            int batch = list / headList.Length;
            int head = headList[list % headList.Length];
            Span<double> vertical = verticalScores.AsSpan(list * n, n);
            Span<double> slash = slashScores.AsSpan(list * n, n);
            int lastQ = Math.Min(LastQueryRows, n);
            RowProfiles(new HeadRows(q, batch, head), new HeadRows(k, batch, head / problem.GroupSize), n - lastQ, n, scale, vertical, slash);
            SelectTop(vertical, ForcedVerticals, verticalCount, ascending: true).CopyTo(verticals.AsSpan(list * verticalCount, verticalCount));
            SelectTop(slash, ForcedSlashes, slashCount, ascending: false).CopyTo(slashOffsets.AsSpan(list * slashCount, slashCount));
        });

        var selection = new VerticalSlashSelection(n, problem.Batch, headList, verticalCount, verticals, slashCount, slashOffsets);
        return new VerticalSlashEstimate(selection, verticalScores, slashScores);
    }

    /// <summary>
    /// The last-query approximation of one (batch, head) over query rows [<paramref name="firstRow"/>,
    /// <paramref name="endRow"/>): each row's causal softmax in double, added per key to
    /// <paramref name="vertical"/> and per offset row − key to <paramref name="slash"/>. Vertical-slash
    /// estimation ranks these for the last rows; grid estimation (MMInference) reads their
    /// periodicity, for the last rows or the last rows of one modality.
    /// </summary>
    internal static void RowProfiles(HeadRows queries, HeadRows keys, int firstRow, int endRow, double scale, Span<double> vertical, Span<double> slash)
    {
        var scores = new double[endRow];
        for (int row = firstRow; row < endRow; row++)
        {
            double max = double.NegativeInfinity;
            for (int key = 0; key <= row; key++)
            {
                scores[key] = scale * queries.Dot(row, keys, key);
                max = Math.Max(max, scores[key]);
            }

            double sum = 0;
            for (int key = 0; key <= row; key++)
            {
                scores[key] = Math.Exp(scores[key] - max);
                sum += scores[key];
            }

            for (int key = 0; key <= row; key++)
            {
                double probability = scores[key] / sum;
                vertical[key] += probability;
                slash[row - key] += probability;
            }
        }
    }

    /// <summary>The <paramref name="count"/> best indices, the first <paramref name="forced"/> counting as +∞, sorted.</summary>
    private static int[] SelectTop(ReadOnlySpan<double> scores, int forced, int count, bool ascending)
    {
        double[] ranked = scores.ToArray();
        ranked.AsSpan(0, Math.Min(forced, ranked.Length)).Fill(double.PositiveInfinity);
        int[] selected = TopK.Select(ranked, count);
        Array.Sort(selected);
        if (!ascending)
        {
            Array.Reverse(selected);
        }

        return selected;
    }
}

using System.Globalization;

namespace MInference.Cli.Plots;

/// <summary>What <see cref="PatternPlot.WriteHeatmapPair"/> draws for one attention head.</summary>
/// <param name="Title">The head and its pattern, e.g. "layer 2 · head 5 · vertical_and_slash (1000, 6096)".</param>
/// <param name="Subtitle">Figures under the title, e.g. "N = 131072 · density 4.2 % · rel. L2 0.8 %"; may be empty.</param>
/// <param name="SequenceLength">Tokens N the G bins cover (the axes are labelled in tokens); at least G.</param>
/// <param name="Attention">
/// G×G estimated attention, rows = query bins (top to bottom), columns = key bins (left to right): the mean
/// attention probability in each cell, ≥ 0; NaN above the causal diagonal (drawn blank).
/// </param>
/// <param name="KeptFraction">
/// G×G, same bins: the fraction in [0, 1] of each cell's causal entries that the sparse pattern computes; NaN above
/// the causal diagonal (drawn blank).
/// </param>
internal sealed record PatternPlotData(string Title, string Subtitle, int SequenceLength, double[,] Attention, double[,] KeptFraction)
{
    /// <summary>Checks that <paramref name="data"/> can be drawn and returns G, the number of bins per side.</summary>
    /// <exception cref="ArgumentException">Something is missing or inconsistent; the message names it.</exception>
    public static int Validate(PatternPlotData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Title is null)
        {
            throw new ArgumentException(Message("Title is null."), nameof(data));
        }
        if (data.Subtitle is null)
        {
            throw new ArgumentException(Message("Subtitle is null (use \"\" for none)."), nameof(data));
        }
        double[,] attention = data.Attention ?? throw new ArgumentException(Message("Attention is null."), nameof(data));
        double[,] kept = data.KeptFraction ?? throw new ArgumentException(Message("KeptFraction is null."), nameof(data));
        int bins = attention.GetLength(0);
        if (attention.GetLength(1) != bins)
        {
            throw new ArgumentException(
                Message($"Attention is {bins}×{attention.GetLength(1)}; it must be square (G×G bins)."), nameof(data));
        }
        if (bins < 1)
        {
            throw new ArgumentException(Message("Attention is 0×0; it needs at least 1×1 bins."), nameof(data));
        }
        if (kept.GetLength(0) != bins || kept.GetLength(1) != bins)
        {
            throw new ArgumentException(
                Message($"KeptFraction is {kept.GetLength(0)}×{kept.GetLength(1)} but Attention is {bins}×{bins}; they must be the same size."),
                nameof(data));
        }
        if (data.SequenceLength < bins)
        {
            throw new ArgumentException(
                Message($"SequenceLength is {data.SequenceLength}; it must be at least the number of bins, {bins}."), nameof(data));
        }
        for (int row = 0; row < bins; row++)
        {
            for (int column = 0; column < bins; column++)
            {
                double probability = attention[row, column];
                if (!(double.IsNaN(probability) || (double.IsFinite(probability) && probability >= 0)))
                {
                    throw new ArgumentException(
                        Message($"Attention[{row}, {column}] is {Format(probability)}; cells must be finite and ≥ 0, or NaN."), nameof(data));
                }
                double fraction = kept[row, column];
                if (!(double.IsNaN(fraction) || fraction is >= 0 and <= 1))
                {
                    throw new ArgumentException(
                        Message($"KeptFraction[{row}, {column}] is {Format(fraction)}; cells must be in [0, 1], or NaN."), nameof(data));
                }
            }
        }
        return bins;
    }

    private static string Message(string problem) => $"{nameof(PatternPlotData)}.{problem}";

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What <see cref="PatternPlot.WritePermutedTriple"/> draws for one permuted head (grid or boundary).</summary>
/// <param name="Title">The head and its pattern.</param>
/// <param name="Subtitle">Figures under the title; may be empty.</param>
/// <param name="SequenceLength">Tokens N the G bins cover.</param>
/// <param name="Attention">G×G mean attention over (query, key) positions in original order; NaN where a cell has no causal entry.</param>
/// <param name="ReorderedAttention">G×G, the same over (query, key) slots of the head's token order.</param>
/// <param name="KeptFraction">G×G, slots as <paramref name="ReorderedAttention"/>: the fraction of each cell's causal entries kept.</param>
internal sealed record PermutedPlotData(string Title, string Subtitle, int SequenceLength, double[,] Attention, double[,] ReorderedAttention, double[,] KeptFraction);

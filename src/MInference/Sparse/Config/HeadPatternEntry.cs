using MInference.Sparse.Patterns;

namespace MInference.Sparse.Config;

/// <summary>
/// One head's entry in a pattern file, <c>[name, a, b, score]</c>: the pattern and the score the
/// pattern search gave it.
/// </summary>
/// <param name="Pattern">The head's pattern.</param>
/// <param name="Score">
/// Informational (MInference records the search's attention recall); kept so a file round-trips.
/// Integer scores are written back without a fraction, others in the shortest form that reads back
/// to the same <see cref="double"/>.
/// </param>
public sealed record HeadPatternEntry(HeadPattern Pattern, double Score)
{
    /// <summary>The head's pattern.</summary>
    public HeadPattern Pattern { get; } = Pattern ?? throw new ArgumentNullException(nameof(Pattern));

    /// <summary>The search's score, finite.</summary>
    public double Score { get; } = double.IsFinite(Score)
        ? Score
        : throw new ArgumentOutOfRangeException(nameof(Score), Score, $"Score = {Score}; expected a finite number");

    /// <summary>For example <c>vertical_and_slash(1000, 6096) score 0.5</c>.</summary>
    public override string ToString() => $"{Pattern} score {Score.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

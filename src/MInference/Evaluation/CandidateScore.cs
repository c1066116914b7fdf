using MInference.Sparse.Patterns;

namespace MInference.Evaluation;

/// <summary>One candidate pattern measured on one head of the sample.</summary>
/// <param name="Pattern">The candidate.</param>
/// <param name="Density">Its density on the head (exact, from the index our kernels ran).</param>
/// <param name="Accuracy">Its output against the head's dense output.</param>
/// <param name="WithinBudget">True when <paramref name="Density"/> fits <see cref="PatternSearchOptions.DensityBudget"/>.</param>
public sealed record CandidateScore(HeadPattern Pattern, double Density, HeadAccuracy Accuracy, bool WithinBudget);

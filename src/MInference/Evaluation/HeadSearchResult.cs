using MInference.Sparse.Patterns;

namespace MInference.Evaluation;

/// <summary>The pattern <see cref="PatternSearch"/> chose for one head, and why.</summary>
/// <param name="Head">The query head.</param>
/// <param name="Chosen">The winner, or <see cref="DensePattern"/>.</param>
/// <param name="Score">The winner's score on the sample, or null when the head stays dense.</param>
/// <param name="Reason">One line for people: what won and why.</param>
/// <param name="Candidates">Every candidate's measurement on this head, in grid order.</param>
public sealed record HeadSearchResult(int Head, HeadPattern Chosen, CandidateScore? Score, string Reason, IReadOnlyList<CandidateScore> Candidates);

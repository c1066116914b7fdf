using System.Globalization;
using MInference.Prefill;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Evaluation;

/// <summary>
/// MInference's offline, kernel-aware pattern search: every candidate runs on every head of a
/// sample layer through the backend's own kernels (the index they build, the entries they compute);
/// a candidate is eligible for a head when its measured density fits the budget, and the eligible
/// candidate whose output best reproduces the head's dense output wins, ties going to the cheaper
/// kind. A head no candidate reproduces within <see cref="PatternSearchOptions.MaxRelativeError"/>
/// stays dense. Deterministic given the sample: the kernels are, and ties break by a fixed order.
/// </summary>
public static class PatternSearch
{
    /// <summary>Searches one layer: one sparse run per candidate, every head at once.</summary>
    /// <param name="layer">The sample, loaded on a backend.</param>
    /// <param name="dense">The layer's dense run on the same backend.</param>
    /// <param name="candidates">Candidate patterns, e.g. <see cref="SearchCandidates.For"/>.</param>
    /// <param name="options">Budget and thresholds.</param>
    /// <param name="progress">Called after each candidate with (done, total); may be null.</param>
    /// <returns>One result per query head.</returns>
    /// <exception cref="ArgumentException">The candidate list is empty or holds a dense pattern or null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IReadOnlyList<HeadSearchResult> SearchLayer(
        IPrefillLayer layer, LayerRun dense, IReadOnlyList<HeadPattern> candidates, PatternSearchOptions options, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (candidates.Count == 0 || candidates.Any(candidate => candidate is null or DensePattern))
        {
            throw new ArgumentException("candidates must be a non-empty list of sparse patterns (dense is every head's fallback)", nameof(candidates));
        }

        int heads = layer.Inputs.Heads;
        // Candidates are measured as they are: no fallback may replace one by dense attention.
        var measure = new SparsePrefillOptions { CostModel = PrefillCostModel.SparseAlways, MaxDensity = 1, ExactDensity = true, Modalities = options.Modalities };
        var scores = new CandidateScore[heads][];
        for (int head = 0; head < heads; head++)
        {
            scores[head] = new CandidateScore[candidates.Count];
        }

        for (int c = 0; c < candidates.Count; c++)
        {
            LayerRun run = layer.Sparse(Enumerable.Repeat(candidates[c], heads).ToArray(), measure, timed: false);
            for (int head = 0; head < heads; head++)
            {
                double density = run.Heads[head].Density;
                scores[head][c] = new CandidateScore(
                    candidates[c], density, HeadAccuracy.Compare(layer.Inputs, dense, run, head), density <= options.DensityBudget);
            }

            progress?.Invoke(c + 1, candidates.Count);
        }

        return Enumerable.Range(0, heads).Select(head => Choose(head, scores[head], options)).ToArray();
    }

    /// <summary>The search's output as a pattern config: one layer per entry, scores = attention recall on the sample.</summary>
    public static HeadPatternConfig ToConfig(IReadOnlyList<IReadOnlyList<HeadSearchResult>> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        return new HeadPatternConfig(layers
            .Select(layer => (IReadOnlyList<HeadPatternEntry>)layer
                .Select(result => new HeadPatternEntry(result.Chosen, Math.Round(result.Score?.Accuracy.Recall ?? 1, 6)))
                .ToArray())
            .ToArray());
    }

    private static HeadSearchResult Choose(int head, CandidateScore[] scores, PatternSearchOptions options)
    {
        CandidateScore[] eligible = scores.Where(score => score.WithinBudget).ToArray();
        if (eligible.Length == 0)
        {
            return new HeadSearchResult(head, new DensePattern(), null, string.Create(CultureInfo.InvariantCulture, $"no candidate fits the density budget {options.DensityBudget:P1}"), scores);
        }

        double best = eligible.Min(score => score.Accuracy.RelativeL2);
        if (best > options.MaxRelativeError)
        {
            return new HeadSearchResult(
                head, new DensePattern(), null,
                string.Create(CultureInfo.InvariantCulture, $"best candidate error {best:P2} exceeds {options.MaxRelativeError:P2}"), scores);
        }

        CandidateScore winner = eligible
            .Where(score => score.Accuracy.RelativeL2 <= best + options.ErrorTolerance)
            .OrderBy(score => score.Pattern.Kind.SearchRank)
            .ThenBy(score => score.Density)
            .ThenBy(score => score.Accuracy.RelativeL2)
            .First();
        return new HeadSearchResult(
            head, winner.Pattern, winner,
            string.Create(CultureInfo.InvariantCulture, $"error {winner.Accuracy.RelativeL2:P2} at density {winner.Density:P1} (best error {best:P2})"), scores);
    }
}

using System.Text.Json.Serialization;
using MInference.Evaluation;

namespace MInference.Cli.Search;

/// <summary>`search --json`: the settings and, per head, the winner and every candidate's measurement.</summary>
internal sealed record SearchJson(string Backend, int Seq, double Budget, double MaxError, string Config, IReadOnlyList<SearchHeadJson> Heads)
{
    public static SearchJson From(string backend, int sample, PatternSearchOptions options, string config, IReadOnlyList<IReadOnlyList<HeadSearchResult>> results) => new(
        backend, sample, options.DensityBudget, options.MaxRelativeError, config,
        [.. results.SelectMany((layer, index) => layer.Select(head => new SearchHeadJson(
            index, head.Head, head.Chosen.ToString(), head.Reason,
            [.. head.Candidates.Select(c => new SearchCandidateJson(c.Pattern.ToString(), c.Density, c.Accuracy.RelativeL2, c.Accuracy.Recall, c.WithinBudget))])))]);
}

/// <summary>One head's outcome.</summary>
internal sealed record SearchHeadJson(int Layer, int Head, string Chosen, string Reason, IReadOnlyList<SearchCandidateJson> Candidates);

/// <summary>One candidate on one head.</summary>
internal sealed record SearchCandidateJson(string Pattern, double Density, double RelL2, double Recall, bool WithinBudget);

/// <summary>Source-generated JSON for `search --json`.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(SearchJson))]
internal sealed partial class SearchJsonContext : JsonSerializerContext;

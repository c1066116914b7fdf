using System.CommandLine;

namespace MInference.Cli.Prefill;

/// <summary>The search options shared by `search` and `demo`.</summary>
internal static class SearchBudget
{
    /// <summary>
    /// The density budget when none is given: 10 % of the causal entries from 8K tokens up, where
    /// the grid's smallest patterns fit it; 30 % below, where even 64 sinks plus a 64-token window
    /// take a large share of each row.
    /// </summary>
    public static double DefaultFor(int sampleLength) => sampleLength >= 8192 ? 0.1 : 0.3;

    // The ranges are PatternSearchOptions.Validate's, checked here so the error names the option.
    public static Option<double?> CreateBudgetOption() => new Option<double?>("--budget")
    {
        Description = "Density budget of the search: a candidate is eligible for a head when it computes at most this fraction of the causal entries [0.1 from 8K tokens, 0.3 below]",
    }.Between(0, 1, minimumExcluded: true);

    public static Option<double> CreateMaxErrorOption() => new Option<double>("--max-error")
    {
        Description = "A head whose best eligible candidate has a larger relative L2 error than this stays dense",
        DefaultValueFactory = _ => 0.05,
    }.Between(0, double.PositiveInfinity, minimumExcluded: true);
}

using System.CommandLine;
using MInference.Sla;

namespace MInference.Cli.Sla;

/// <summary>
/// The command-line options of an SLA layer's settings (k_h, k_l, φ, the linear branch) that `sla`
/// and `bench sla` share, and the <see cref="SlaOptions"/> they make.
/// </summary>
internal sealed class SlaLayerOptions
{
    private static readonly string[] s_featureMaps = ["softmax", "elu", "relu"];
    private static readonly string[] s_linearBranches = ["marginal", "all"];

    public Option<double> Critical { get; } = new Option<double>("--critical")
    {
        Description = "k_h: the fraction of each row's key blocks attended exactly (at least one block)",
        DefaultValueFactory = _ => 0.05,
    }.Between(0, 1, minimumExcluded: true);

    public Option<double> Negligible { get; } = new Option<double>("--negligible")
    {
        Description = "k_l: the fraction of each row's key blocks skipped, below 1 (never taken from the critical ones)",
        DefaultValueFactory = _ => 0.10,
    }.Between(0, 1);

    public Option<string> FeatureMap { get; } = CreateChoice("--feature-map", "φ of the linear branch: softmax over the head dimension, elu(x) + 1, or relu", s_featureMaps);

    public Option<string> LinearBranch { get; } = CreateChoice("--linear-branch", "marginal: the paper's (a row's marginal blocks); all: the released code's (every key)", s_linearBranches);

    /// <summary>The four options, to add to a command.</summary>
    public IEnumerable<Option> All => [Critical, Negligible, FeatureMap, LinearBranch];

    /// <summary>The settings the options give.</summary>
    /// <exception cref="ArgumentException">k_l is 1 (the option's own rule admits it; SLA does not).</exception>
    public SlaOptions Parse(ParseResult parse)
    {
        double negligible = parse.GetValue(Negligible);
        if (negligible >= 1)
        {
            throw new ArgumentException($"{Negligible.Name} {negligible}: expected a number in [0, 1) (k_l, the fraction of each row's key blocks skipped)");
        }

        return new SlaOptions
        {
            CriticalFraction = parse.GetValue(Critical),
            NegligibleFraction = negligible,
            FeatureMap = parse.GetValue(FeatureMap) switch { "elu" => SlaFeatureMap.EluPlusOne, "relu" => SlaFeatureMap.Relu, _ => SlaFeatureMap.Softmax },
            LinearBranch = parse.GetValue(LinearBranch) == "all" ? SlaLinearBranch.AllKeys : SlaLinearBranch.MarginalBlocks,
        };
    }

    private static Option<string> CreateChoice(string name, string description, string[] choices)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => choices[0] };
        option.AcceptOnly(choices);
        return option;
    }
}

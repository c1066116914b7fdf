using MInference.Cli.Prefill;

namespace MInference.Cli.Demo;

/// <summary>What the demo measured, ready for the tables and the JSON.</summary>
internal sealed record DemoResult(
    string Backend,
    string Timing,
    SyntheticModel Model,
    string PatternSource,
    IReadOnlyList<LengthResult> Lengths,
    IReadOnlyList<string> Plots);

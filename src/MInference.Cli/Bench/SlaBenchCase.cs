using MInference.Sla;

namespace MInference.Cli.Bench;

/// <summary>One `bench sla` measurement: the layer's sizes, SLA's settings and the timing runs.</summary>
/// <param name="Problem">B, H, N, D and the dtype (q, k and v share the heads; not causal).</param>
/// <param name="Options">k_h, k_l, φ and the linear branch.</param>
/// <param name="FeatureMapName">φ as the command line spells it.</param>
/// <param name="LinearBranchName">The linear branch as the command line spells it.</param>
/// <param name="Warmup">Untimed runs first.</param>
/// <param name="Iterations">Timed runs per measurement.</param>
internal sealed record SlaBenchCase(AttentionProblem Problem, SlaOptions Options, string FeatureMapName, string LinearBranchName, int Warmup, int Iterations);

using System.Text.Json.Serialization;

namespace MInference.Cli.Sla;

/// <summary>One head of `sla`: its mask's classes (summed over the batch) and its output's error against dense attention.</summary>
/// <param name="Head">The head.</param>
/// <param name="ReachFrames">ℓ_t of the synthetic data's positional kernel, in frames.</param>
/// <param name="ReachPixels">ℓ_s, in latent pixels.</param>
/// <param name="Critical">Critical (query block, key block) pairs.</param>
/// <param name="Marginal">Marginal pairs (the linear branch's).</param>
/// <param name="Negligible">Negligible pairs (skipped).</param>
/// <param name="CriticalShare">Critical pairs over all pairs.</param>
/// <param name="MarginalShare">Marginal pairs over all pairs.</param>
/// <param name="NegligibleShare">Negligible pairs over all pairs.</param>
/// <param name="RelL2Sparse">‖O − O_dense‖ / ‖O_dense‖ over the head with Proj at zero (the critical branch alone).</param>
/// <param name="RelL2Fitted">The same after fitting Proj; null without fitting.</param>
internal sealed record SlaHeadResult(
    int Head, double ReachFrames, double ReachPixels, long Critical, long Marginal, long Negligible, double CriticalShare, double MarginalShare, double NegligibleShare,
    double RelL2Sparse, double? RelL2Fitted);

/// <summary>Forward and backward times of SLA and of dense attention on the same tensors.</summary>
/// <param name="Clock">"cuda-events" (GPU: medians of 10 runs after 3 warm-up runs) or "cpu-wall-clock" (one run each).</param>
/// <param name="SlaFwdMs">SLA's forward including mask prediction.</param>
/// <param name="DenseFwdMs">Dense attention's forward (non-causal).</param>
/// <param name="SlaBwdMs">SLA's backward (dQ, dK, dV, dW, db) over the predicted mask.</param>
/// <param name="DenseBwdMs">The same backward with every block critical (k_h = 100 %): dense attention's backward.</param>
internal sealed record SlaTimings(string Clock, double SlaFwdMs, double DenseFwdMs, double SlaBwdMs, double DenseBwdMs);

/// <summary>
/// `sla --json`: the settings, every head, the timings and the fitting's error curve. Causal rows see
/// 1 to Blocks key blocks: the per-row counts are then the last (full) row's.
/// </summary>
internal sealed record SlaJson(
    string Backend, string Device, int Seq, int Frames, int Height, int Width, int Batch, int Heads, int HeadDim, string Dtype, double Critical, double Negligible,
    int Blocks, int CriticalBlocksPerRow, int NegligibleBlocksPerRow, string FeatureMap, string LinearBranch, bool Causal, int Seed, int FitSteps, double LearningRate,
    IReadOnlyList<SlaHeadResult> HeadResults, SlaTimings Timings, IReadOnlyList<double> ErrorCurve, string? Plot);

/// <summary>Source-generated JSON for `sla --json`.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(SlaJson))]
internal sealed partial class SlaJsonContext : JsonSerializerContext;

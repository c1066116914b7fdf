namespace MInference.Cli.Prefill;

/// <summary>One head of one layer at one length: what ran, what it cost and how close it came to dense.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Head">The query head.</param>
/// <param name="Kind">The synthetic head kind, or "captured" for a user's tensors.</param>
/// <param name="Pattern">The configured pattern, e.g. vertical_and_slash(1000, 6096).</param>
/// <param name="Ran">What ran: the pattern, or dense with the fallback reason.</param>
/// <param name="Density">Fraction of the causal entries computed.</param>
/// <param name="Recall">Fraction of the dense attention mass the computed entries hold (mean over rows).</param>
/// <param name="RelativeL2">‖O − O_dense‖ / ‖O_dense‖ over the head.</param>
/// <param name="MaxAbs">Largest |O − O_dense|.</param>
/// <param name="DenseMilliseconds">The layer's dense time split evenly over its heads.</param>
/// <param name="SparseMilliseconds">The layer's sparse time split over its heads by computed entries.</param>
/// <param name="Structured">False for heads generated without structure (only dense serves them).</param>
internal sealed record HeadReport(
    int Layer, int Head, string Kind, string Pattern, string Ran, double Density, double Recall, double RelativeL2, double MaxAbs,
    double DenseMilliseconds, double SparseMilliseconds, bool Structured);

namespace MInference.Sla;

/// <summary>The CPU reference's forward of one head: O = O_s + Proj(O_l), and its parts.</summary>
/// <param name="Output">O, [N, D].</param>
/// <param name="SparseOutput">O_s, exact softmax attention over the critical blocks, [N, D].</param>
/// <param name="LinearOutput">O_l, the linear branch before Proj, [N, D].</param>
/// <param name="LogSumExp">The critical branch's log-sum-exp per row (natural log, scaled scores), [N].</param>
public sealed record SlaReferenceForward(double[] Output, double[] SparseOutput, double[] LinearOutput, double[] LogSumExp);

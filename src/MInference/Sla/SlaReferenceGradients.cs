namespace MInference.Sla;

/// <summary>The CPU reference's gradients of one head, for a given dO (the mask held fixed, as in SLA's backward).</summary>
/// <param name="Query">dQ, [N, D].</param>
/// <param name="Key">dK, [N, D].</param>
/// <param name="Value">dV, [N, D].</param>
/// <param name="Weight">dW of Proj, [D, D] row-major.</param>
/// <param name="Bias">db of Proj, [D].</param>
public sealed record SlaReferenceGradients(double[] Query, double[] Key, double[] Value, double[] Weight, double[] Bias);

namespace MInference.Sla;

/// <summary>The projection's gradients of a backward, summed over every (batch, head).</summary>
/// <param name="Weight">dW, [D, D] row-major.</param>
/// <param name="Bias">db, [D].</param>
public sealed record SlaParameterGradients(double[] Weight, double[] Bias);

namespace MInference.Sla;

/// <summary>
/// Proj of SLA's linear branch, a learnable D → D linear layer: y = W·x + b, W row-major [out, in].
/// The released code initialises it to zero, so that SLA starts as sparse attention alone.
/// </summary>
public sealed class SlaProjection
{
    /// <summary>Wraps the weights (not copied).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="headDim"/> is not positive.</exception>
    /// <exception cref="ArgumentException">W does not hold D · D values or b does not hold D, or a value is not finite.</exception>
    public SlaProjection(ReadOnlyMemory<double> weight, ReadOnlyMemory<double> bias, int headDim)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        if (weight.Length != (long)headDim * headDim)
        {
            throw new ArgumentException($"the weight holds {weight.Length} values; expected D * D = {(long)headDim * headDim}", nameof(weight));
        }

        if (bias.Length != headDim)
        {
            throw new ArgumentException($"the bias holds {bias.Length} values; expected D = {headDim}", nameof(bias));
        }

        if (!AllFinite(weight.Span) || !AllFinite(bias.Span))
        {
            throw new ArgumentException("the projection's weights must be finite", nameof(weight));
        }

        Weight = weight;
        Bias = bias;
        HeadDim = headDim;
    }

    /// <summary>W, [D, D] row-major (output index first).</summary>
    public ReadOnlyMemory<double> Weight { get; }

    /// <summary>b, [D].</summary>
    public ReadOnlyMemory<double> Bias { get; }

    /// <summary>D.</summary>
    public int HeadDim { get; }

    /// <summary>The zero projection (the released initialisation).</summary>
    public static SlaProjection Zero(int headDim) => new(new double[(long)headDim * headDim], new double[headDim], headDim);

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double value in values)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }
}

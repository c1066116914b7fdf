using MInference.Decode;

namespace MInference.Sla;

/// <summary>φ of the linear branch on one row, and the product of its Jacobian's transpose with a gradient.</summary>
internal static class SlaFeatureMaps
{
    public static void Apply(SlaFeatureMap map, ReadOnlySpan<double> x, Span<double> y)
    {
        switch (map)
        {
            case SlaFeatureMap.Softmax:
                x.CopyTo(y);
                DecodeProblem.Softmax(y);
                break;
            case SlaFeatureMap.EluPlusOne:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = x[i] > 0 ? x[i] + 1 : Math.Exp(x[i]);
                }

                break;
            default:
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = Math.Max(x[i], 0);
                }

                break;
        }
    }

    /// <summary>Adds J_φ(x)ᵀ·dy to <paramref name="dx"/>; <paramref name="y"/> is φ(x).</summary>
    public static void AddBackward(SlaFeatureMap map, ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
    {
        switch (map)
        {
            case SlaFeatureMap.Softmax:
                double dot = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    dot += y[i] * dy[i];
                }

                for (int i = 0; i < x.Length; i++)
                {
                    dx[i] += y[i] * (dy[i] - dot);
                }

                break;
            case SlaFeatureMap.EluPlusOne:
                for (int i = 0; i < x.Length; i++)
                {
                    dx[i] += x[i] > 0 ? dy[i] : dy[i] * y[i];
                }

                break;
            default:
                for (int i = 0; i < x.Length; i++)
                {
                    dx[i] += x[i] > 0 ? dy[i] : 0;
                }

                break;
        }
    }
}

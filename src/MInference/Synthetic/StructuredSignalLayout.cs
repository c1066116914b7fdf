namespace MInference.Synthetic;

/// <summary>
/// How <see cref="StructuredAttentionData"/> splits head_dim between the planted components, and
/// the amplitudes that give each its target logit at the default scale 1/sqrt(head_dim).
/// </summary>
internal sealed class StructuredSignalLayout
{
    public const double SinkLogit = 5;
    public const double VerticalLogit = 5;
    public const double LocalLogit = 4;
    public const double DiagonalLogit = 4;

    public StructuredSignalLayout(int headDim)
    {
        double scale = 1 / Math.Sqrt(headDim);
        SinkDims = Math.Max(1, headDim / 16);
        VerticalDims = Math.Max(1, headDim / 16);
        int pairs = (headDim - SinkDims - VerticalDims) / 2;
        LocalPairs = Math.Max(1, pairs / 4);
        DiagonalPairs = pairs - LocalPairs;
        SinkAmplitude = Math.Sqrt(SinkLogit / (scale * SinkDims));
        VerticalAmplitude = Math.Sqrt(VerticalLogit / (scale * VerticalDims));
        LocalAmplitude = Math.Sqrt(LocalLogit / (scale * LocalPairs));
        DiagonalAmplitude = Math.Sqrt(DiagonalLogit / (scale * DiagonalPairs));
    }

    /// <summary>Dimensions [0, SinkDims): constant in q, nonzero in k only for the sink keys.</summary>
    public int SinkDims { get; }

    /// <summary>The next VerticalDims dimensions: constant in q, nonzero in k only at the vertical keys.</summary>
    public int VerticalDims { get; }

    /// <summary>The next LocalPairs (cos, sin) pairs: low-frequency rotations, q_i · k_j = Σ cos(θ (i − j)).</summary>
    public int LocalPairs { get; }

    /// <summary>The next DiagonalPairs (cos, sin) pairs: rotations over all frequencies, q rotated back by each offset.</summary>
    public int DiagonalPairs { get; }

    public int LocalStart => SinkDims + VerticalDims;

    public int DiagonalStart => LocalStart + (2 * LocalPairs);

    public double SinkAmplitude { get; }

    public double VerticalAmplitude { get; }

    public double LocalAmplitude { get; }

    public double DiagonalAmplitude { get; }
}

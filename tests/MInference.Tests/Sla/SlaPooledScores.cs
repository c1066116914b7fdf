using MInference.Sla;

namespace MInference.Tests.Sla;

/// <summary>
/// The pooled scores q̄ᵢ·k̄ⱼ of one head in double, as <see cref="SlaBlockMask.Predict"/> ranks them
/// (64-token block means, the tail over its own tokens, K minus its mean with smooth-K), and the
/// scale of each row's rounding errors on the GPU.
/// </summary>
internal sealed class SlaPooledScores
{
    private readonly int _blocks;
    private readonly int _d;
    private readonly double[] _queries;
    private readonly double[] _keys;

    public SlaPooledScores(SlaHead head, bool smoothKeys)
    {
        _blocks = head.Blocks;
        _d = head.HeadDim;
        _queries = Pool(head.Q.Span, head.SequenceLength, shift: null);
        _keys = Pool(head.K.Span, head.SequenceLength, smoothKeys ? Mean(head.K.Span, head.SequenceLength) : null);
    }

    public double this[int row, int column]
    {
        get
        {
            double dot = 0;
            for (int c = 0; c < _d; c++)
            {
                dot += _queries[(row * _d) + c] * _keys[(column * _d) + c];
            }

            return dot;
        }
    }

    /// <summary>max over the row's columns of Σ_c |q̄_c·k̄_c|: what relative rounding of the operands scales with.</summary>
    public double Magnitude(int row)
    {
        double largest = 0;
        for (int column = 0; column < _blocks; column++)
        {
            double sum = 0;
            for (int c = 0; c < _d; c++)
            {
                sum += Math.Abs(_queries[(row * _d) + c] * _keys[(column * _d) + c]);
            }

            largest = Math.Max(largest, sum);
        }

        return largest;
    }

    private double[] Mean(ReadOnlySpan<double> matrix, int rows)
    {
        var mean = new double[_d];
        for (int t = 0; t < rows; t++)
        {
            for (int c = 0; c < _d; c++)
            {
                mean[c] += matrix[(t * _d) + c] / rows;
            }
        }

        return mean;
    }

    private double[] Pool(ReadOnlySpan<double> matrix, int rows, double[]? shift)
    {
        var pooled = new double[_blocks * _d];
        for (int t = 0; t < rows; t++)
        {
            int block = t / SlaOptions.BlockSize;
            int count = Math.Min(SlaOptions.BlockSize, rows - (block * SlaOptions.BlockSize));
            for (int c = 0; c < _d; c++)
            {
                pooled[(block * _d) + c] += (matrix[(t * _d) + c] - (shift?[c] ?? 0)) / count;
            }
        }

        return pooled;
    }
}

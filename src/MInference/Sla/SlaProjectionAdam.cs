namespace MInference.Sla;

/// <summary>
/// Adam on Proj's W and b alone, for fine-tuning SLA's linear branch on the host (the gradients
/// come from <see cref="CpuSparseLinearAttention.Backward"/> or the GPU backward's
/// <see cref="SlaDeviceProjectionGradients.CopyToHost"/>). β₁ = 0.9, β₂ = 0.999, bias-corrected moments.
/// </summary>
public sealed class SlaProjectionAdam
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-12;

    private readonly double[] _weight;
    private readonly double[] _bias;
    private readonly double[] _firstMoment;
    private readonly double[] _secondMoment;
    private readonly double _learningRate;
    private int _steps;

    /// <summary>Starts from <paramref name="start"/> (copied) with no moments.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is not finite and positive.</exception>
    public SlaProjectionAdam(SlaProjection start, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!double.IsFinite(learningRate) || learningRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "the learning rate must be finite and positive");
        }

        _weight = start.Weight.ToArray();
        _bias = start.Bias.ToArray();
        _firstMoment = new double[_weight.Length + _bias.Length];
        _secondMoment = new double[_firstMoment.Length];
        _learningRate = learningRate;
    }

    /// <summary>D.</summary>
    public int HeadDim => _bias.Length;

    /// <summary>The projection as trained so far (a copy).</summary>
    public SlaProjection Projection => new(_weight.ToArray(), _bias.ToArray(), HeadDim);

    /// <summary>One Adam step along <paramref name="gradients"/> (dW [D, D], db [D]).</summary>
    /// <exception cref="ArgumentException">The gradients are not D × D and D.</exception>
    public void Step(SlaParameterGradients gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (gradients.Weight.Length != _weight.Length || gradients.Bias.Length != _bias.Length)
        {
            throw new ArgumentException($"the gradients hold {gradients.Weight.Length} and {gradients.Bias.Length} values; expected D * D = {_weight.Length} and D = {_bias.Length}", nameof(gradients));
        }

        _steps++;
        double firstCorrection = 1 - Math.Pow(Beta1, _steps);
        double secondCorrection = 1 - Math.Pow(Beta2, _steps);
        Update(_weight, gradients.Weight, 0, firstCorrection, secondCorrection);
        Update(_bias, gradients.Bias, _weight.Length, firstCorrection, secondCorrection);
    }

    private void Update(double[] parameters, double[] gradient, int momentOffset, double firstCorrection, double secondCorrection)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            ref double first = ref _firstMoment[momentOffset + i];
            ref double second = ref _secondMoment[momentOffset + i];
            first = (Beta1 * first) + ((1 - Beta1) * gradient[i]);
            second = (Beta2 * second) + ((1 - Beta2) * gradient[i] * gradient[i]);
            parameters[i] -= _learningRate * (first / firstCorrection) / (Math.Sqrt(second / secondCorrection) + Epsilon);
        }
    }
}

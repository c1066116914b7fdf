namespace MInference.Sla;

/// <summary>
/// SLA's "fine-tunable" claim in miniature: trains only Proj so that the layer's output matches a
/// target (dense attention's, say) on fixed Q, K and V, by Adam (<see cref="SlaProjectionAdam"/>) on the mean squared error, through
/// <see cref="CpuSparseLinearAttention"/>'s forward and backward. O is affine in (W, b), so the loss
/// is a convex quadratic and the error falls steadily from the zero initialisation.
/// </summary>
public static class SlaProjectionFitting
{
    /// <summary>
    /// Runs <paramref name="steps"/> Adam steps on W and b (updated in place) and returns the relative
    /// L2 error ‖O − target‖ / ‖target‖ before each step and after the last (steps + 1 values).
    /// </summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, H, N, D].</param>
    /// <param name="v">Values, [B, H, N, D].</param>
    /// <param name="target">The output to match, [B, H, N, D].</param>
    /// <param name="options">The SLA layer's settings.</param>
    /// <param name="weight">W, [D, D] row-major: the starting point, updated in place.</param>
    /// <param name="bias">b, [D]: the starting point, updated in place.</param>
    /// <param name="steps">Adam steps, at least 1.</param>
    /// <param name="learningRate">Adam's step size, finite and positive.</param>
    /// <param name="progress">Called after each step with (step, error after it); may be null.</param>
    /// <exception cref="ArgumentException">A shape does not fit (see <see cref="CpuSparseLinearAttention.Forward"/>), or W or b has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">steps, the learning rate or an option is out of range.</exception>
    public static double[] Fit(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, ReadOnlyHostTensor target, SlaOptions options,
        double[] weight, double[] bias, int steps, double learningRate, Action<int, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (!double.IsFinite(learningRate) || learningRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "the learning rate must be finite and positive");
        }

        if (!target.Layout.Lengths.SequenceEqual(q.Layout.Lengths))
        {
            throw new ArgumentException($"the target is {target.Layout}; expected q's shape", nameof(target));
        }

        TensorLayout layout = TensorLayout.Contiguous(q.Layout.Lengths);
        var output = new float[layout.ElementCount];
        var gradient = new float[layout.ElementCount];
        var queryGradient = new float[layout.ElementCount];
        var keyGradient = new float[layout.ElementCount];
        var valueGradient = new float[layout.ElementCount];
        var adam = new SlaProjectionAdam(new SlaProjection(weight.ToArray(), bias.ToArray(), bias.Length), learningRate);
        var errors = new double[steps + 1];
        for (int step = 0; step <= steps; step++)
        {
            SlaProjection projection = adam.Projection;
            SlaSavedState state = CpuSparseLinearAttention.Forward(q, k, v, projection, options, new HostTensor(output, layout));
            errors[step] = Residual(output, layout, target, gradient);
            if (step > 0)
            {
                progress?.Invoke(step, errors[step]);
            }

            if (step == steps)
            {
                break;
            }

            SlaParameterGradients gradients = CpuSparseLinearAttention.Backward(
                state, new ReadOnlyHostTensor(gradient, layout), new HostTensor(queryGradient, layout), new HostTensor(keyGradient, layout), new HostTensor(valueGradient, layout));
            adam.Step(gradients);
        }

        SlaProjection trained = adam.Projection;
        trained.Weight.Span.CopyTo(weight);
        trained.Bias.Span.CopyTo(bias);
        return errors;
    }

    /// <summary>Writes dO = (O − target) / count (the mean squared error's gradient, halved) and returns ‖O − target‖ / ‖target‖.</summary>
    private static double Residual(float[] output, TensorLayout layout, ReadOnlyHostTensor target, float[] gradient)
    {
        ReadOnlySpan<nint> lengths = layout.Lengths;
        ReadOnlySpan<float> expected = target.Data.Span;
        double difference = 0;
        double norm = 0;
        long index = 0;
        for (nint b = 0; b < lengths[0]; b++)
        {
            for (nint h = 0; h < lengths[1]; h++)
            {
                for (nint t = 0; t < lengths[2]; t++)
                {
                    for (nint c = 0; c < lengths[3]; c++, index++)
                    {
                        double wanted = expected[(int)target.Layout.GetOffset(b, h, t, c)];
                        double delta = output[index] - wanted;
                        gradient[index] = (float)(delta / output.Length);
                        difference += delta * delta;
                        norm += wanted * wanted;
                    }
                }
            }
        }

        return Math.Sqrt(difference / Math.Max(norm, double.Epsilon));
    }
}

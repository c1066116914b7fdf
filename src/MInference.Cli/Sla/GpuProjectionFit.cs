using MInference.Cli.Bench;
using MInference.Sla;

namespace MInference.Cli.Sla;

/// <summary>
/// Fits Proj on the GPU: per step SLA's forward over a fixed mask, the loss ‖O − O_dense‖² /
/// ‖O_dense‖² and its gradient on the host, SLA's backward for dW and db, Adam on the host
/// (<see cref="SlaProjectionAdam"/>), and Proj uploaded again. O is affine in (W, b), so the loss is
/// a convex quadratic and falls from the zero initialisation.
/// </summary>
internal static class GpuProjectionFit
{
    /// <summary>
    /// Runs <see cref="SlaSettings.FitSteps"/> steps from Proj = 0 over <paramref name="mask"/>; returns
    /// the output at Proj = 0, the fitted output (null without steps) and the relative L2 error before
    /// each step and after the last.
    /// </summary>
    public static (float[] Sparse, float[]? Fitted, double[] Curve) Run(
        GpuContext context, DeviceAttentionBuffers buffers, SlaDeviceMask mask, SlaSettings settings, float[] dense, WorkProgress progress)
    {
        SlaOptions options = settings.Options;
        var problem = new AttentionProblem(settings.Batch, settings.Heads, settings.Heads, settings.SequenceLength, settings.HeadDim, settings.DType, options.Causal);
        using SlaDeviceSavedState state = SlaDeviceSavedState.Allocate(context, buffers.Q, mask);
        using var gradients = new SlaGradientBuffers(context, problem, new Random(settings.Seed));
        var adam = new SlaProjectionAdam(SlaProjection.Zero(settings.HeadDim), settings.LearningRate);
        SlaDeviceProjection projection = SlaDeviceProjection.Upload(context, adam.Projection);
        try
        {
            using var forwardWorkspace = new DeviceBuffer(
                context, Math.Max(GpuSparseLinearAttention.ForwardWorkspaceSize(context, buffers.Q, buffers.K, buffers.V, projection, options, buffers.Output, state), 1));
            using var backwardWorkspace = new DeviceBuffer(context, Math.Max(GpuSparseLinearAttention.BackwardWorkspaceSize(
                context, buffers.Q, buffers.K, buffers.V, projection, options, state, gradients.OutputGradient, gradients.Query, gradients.Key, gradients.Value, gradients.Projection), 1));
            double denseNorm = dense.Sum(value => (double)value * value);
            var output = new float[dense.Length];
            var residual = new float[dense.Length];
            var curve = new double[settings.FitSteps + 1];
            float[] sparse = [];
            for (int step = 0; ; step++)
            {
                GpuSparseLinearAttention.Forward(context, buffers.Q, buffers.K, buffers.V, projection, options, buffers.Output, state, forwardWorkspace);
                HalfTensorCopies.Download(buffers.Output, output);
                curve[step] = Residual(output, dense, denseNorm, residual);
                if (step == 0)
                {
                    sparse = [.. output];
                }

                if (step == settings.FitSteps)
                {
                    return (sparse, step > 0 ? output : null, curve);
                }

                // dO = O − O_dense (representable in fp16 at the output's scale); the loss's gradient is 2 dO / ‖O_dense‖².
                HalfTensorCopies.Upload(residual, gradients.OutputGradient);
                GpuSparseLinearAttention.Backward(
                    context, buffers.Q, buffers.K, buffers.V, projection, options, state, gradients.OutputGradient, gradients.Query, gradients.Key, gradients.Value,
                    gradients.Projection, backwardWorkspace);
                SlaParameterGradients raw = gradients.Projection.CopyToHost();
                double scale = 2 / Math.Max(denseNorm, double.Epsilon);
                adam.Step(new SlaParameterGradients([.. raw.Weight.Select(value => value * scale)], [.. raw.Bias.Select(value => value * scale)]));
                projection.Dispose();
                projection = SlaDeviceProjection.Upload(context, adam.Projection);
                progress.Describe($"fitting Proj: step {step + 1}, rel. L2 {curve[step]:P2} before it");
                progress.Advance();
            }
        }
        finally
        {
            projection.Dispose();
        }
    }

    /// <summary>Writes O − O_dense into <paramref name="residual"/> and returns ‖O − O_dense‖ / ‖O_dense‖.</summary>
    private static double Residual(float[] output, float[] dense, double denseNorm, float[] residual)
    {
        double difference = 0;
        for (int i = 0; i < output.Length; i++)
        {
            residual[i] = output[i] - dense[i];
            difference += (double)residual[i] * residual[i];
        }

        return Math.Sqrt(difference / Math.Max(denseNorm, double.Epsilon));
    }
}

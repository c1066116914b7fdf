using System.Diagnostics;
using MInference.Sla;
using MInference.Synthetic;

namespace MInference.Cli.Sla;

/// <summary>
/// `sla` on the CPU backend: dense attention (<see cref="CpuAttention"/>), SLA's forward and backward
/// (<see cref="CpuSparseLinearAttention"/>, double) and the fitting (<see cref="SlaProjectionFitting"/>),
/// each step timed once by the wall clock.
/// </summary>
internal static class CpuSlaEvaluation
{
    /// <summary>Progress units besides the fitting's steps: dense, SLA forward, SLA backward, dense backward.</summary>
    public const int FixedSteps = 4;

    public static SlaRunOutputs Run(SlaSettings settings, VideoLatentData data, WorkProgress progress)
    {
        TensorLayout layout = data.Q.Layout;
        int d = settings.HeadDim;
        SlaProjection zero = SlaProjection.Zero(d);
        var dense = new float[layout.ElementCount];
        progress.Describe("dense attention");
        double denseForward = Milliseconds(() => CpuAttention.Dense(data.Q, data.K, data.V, new HostTensor(dense, layout), new DenseAttentionOptions { Causal = settings.Options.Causal }));
        progress.Advance();

        progress.Describe("SLA forward (Proj = 0)");
        var sparse = new float[layout.ElementCount];
        SlaSavedState? state = null;
        double slaForward = Milliseconds(() => state = CpuSparseLinearAttention.Forward(data.Q, data.K, data.V, zero, settings.Options, new HostTensor(sparse, layout)));
        progress.Advance();

        progress.Describe("SLA backward");
        var outputGradient = new float[layout.ElementCount];
        StandardNormal.Fill(new Random(settings.Seed), outputGradient);
        double slaBackward = Milliseconds(() => Backward(state!, outputGradient, layout));
        progress.Advance();

        progress.Describe("dense backward (every block critical)");
        SlaOptions denseOptions = settings.Options with { CriticalFraction = 1, NegligibleFraction = 0, LinearBranch = SlaLinearBranch.MarginalBlocks };
        SlaSavedState denseState = CpuSparseLinearAttention.Forward(data.Q, data.K, data.V, zero, denseOptions, new HostTensor(new float[layout.ElementCount], layout));
        double denseBackward = Milliseconds(() => Backward(denseState, outputGradient, layout));
        progress.Advance();

        (double[] curve, float[]? fitted) = Fit(settings, data, dense, sparse, progress);
        return new SlaRunOutputs(
            $"CPU, {Environment.ProcessorCount} threads", dense, sparse, fitted, curve, SlaClassCounts.PerHead(state!.Masks, settings.Heads), settings.Options.CriticalBlocks(settings.Blocks),
            settings.Options.NegligibleBlocks(settings.Blocks), settings.PlotPath is null ? null : state.Masks[settings.PlotHead],
            new SlaTimings("cpu-wall-clock", slaForward, denseForward, slaBackward, denseBackward));
    }

    private static (double[] Curve, float[]? Fitted) Fit(SlaSettings settings, VideoLatentData data, float[] dense, float[] sparse, WorkProgress progress)
    {
        if (settings.FitSteps == 0)
        {
            return ([SlaOutputErrors.RelativeL2(sparse, dense)], null);
        }

        int d = settings.HeadDim;
        var weight = new double[d * d];
        var bias = new double[d];
        TensorLayout layout = data.Q.Layout;
        double[] curve = SlaProjectionFitting.Fit(
            data.Q, data.K, data.V, new ReadOnlyHostTensor(dense, layout), settings.Options, weight, bias, settings.FitSteps, settings.LearningRate,
            (step, error) =>
            {
                progress.Describe($"fitting Proj: step {step}, rel. L2 {error:P2}");
                progress.Advance();
            });
        var fitted = new float[layout.ElementCount];
        CpuSparseLinearAttention.Forward(data.Q, data.K, data.V, new SlaProjection(weight, bias, d), settings.Options, new HostTensor(fitted, layout));
        return (curve, fitted);
    }

    private static void Backward(SlaSavedState state, float[] outputGradient, TensorLayout layout) =>
        CpuSparseLinearAttention.Backward(
            state, new ReadOnlyHostTensor(outputGradient, layout), new HostTensor(new float[layout.ElementCount], layout), new HostTensor(new float[layout.ElementCount], layout),
            new HostTensor(new float[layout.ElementCount], layout));

    private static double Milliseconds(Action work)
    {
        long start = Stopwatch.GetTimestamp();
        work();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}

using MInference.Cli.Bench;
using MInference.Sla;
using MInference.Synthetic;

namespace MInference.Cli.Sla;

/// <summary>
/// `sla` on the GPU: dense attention (<see cref="Attention.Dense"/>, non-causal), the mask, SLA at
/// Proj = 0 and the fitting (<see cref="GpuProjectionFit"/>), then the timings of `bench sla` on the
/// same tensors (<see cref="SlaBenchmark"/>: CUDA events, medians of 10 runs after 3 warm-up runs).
/// </summary>
internal static class GpuSlaEvaluation
{
    /// <summary>Progress units besides the fitting's steps: dense, mask, timings.</summary>
    public const int FixedSteps = 3;

    private const int WarmupRuns = 3;
    private const int TimedRuns = 10;

    public static SlaRunOutputs Run(SlaSettings settings, VideoLatentData data, WorkProgress progress)
    {
        using var context = new GpuContext();
        var problem = new AttentionProblem(settings.Batch, settings.Heads, settings.Heads, settings.SequenceLength, settings.HeadDim, settings.DType, Causal: false);
        using var buffers = new DeviceAttentionBuffers(context, problem, withDenseOutput: true);
        HalfTensorCopies.Upload(data.Q.Data.Span, buffers.Q);
        HalfTensorCopies.Upload(data.K.Data.Span, buffers.K);
        HalfTensorCopies.Upload(data.V.Data.Span, buffers.V);

        progress.Describe("dense attention");
        Attention.Dense(context, buffers.Q, buffers.K, buffers.V, buffers.DenseOutput, new DenseAttentionOptions { Causal = false });
        var dense = new float[data.Q.Data.Length];
        HalfTensorCopies.Download(buffers.DenseOutput, dense);
        progress.Advance();

        progress.Describe("mask prediction");
        using SlaDeviceMask mask = GpuSparseLinearAttention.PredictMask(context, buffers.Q, buffers.K, settings.Options, keepClasses: settings.PlotPath is not null);
        SlaBlockMask? plotMask = mask.HasClasses ? mask.CopyClassesToHost()[settings.PlotHead] : null;
        progress.Advance();

        (float[] sparse, float[]? fitted, double[] curve) = GpuProjectionFit.Run(context, buffers, mask, settings, dense, progress);

        progress.Describe("timing SLA and dense attention");
        var benchCase = new SlaBenchCase(problem, settings.Options, settings.FeatureMapName, settings.LinearBranchName, WarmupRuns, TimedRuns);
        SlaBenchmarkResult timing = SlaBenchmark.Measure(context, benchCase, buffers, message => progress.Describe($"timing: {message}"));
        progress.Advance();

        long perHead = (long)settings.Batch * settings.Blocks;
        var classes = new SlaClassCounts(
            perHead * mask.CriticalBlocksPerRow, perHead * (settings.Blocks - mask.CriticalBlocksPerRow - mask.NegligibleBlocksPerRow), perHead * mask.NegligibleBlocksPerRow);
        return new SlaRunOutputs(
            context.Device.Name, dense, sparse, fitted, curve, [.. Enumerable.Repeat(classes, settings.Heads)], mask.CriticalBlocksPerRow, mask.NegligibleBlocksPerRow, plotMask,
            new SlaTimings("cuda-events", timing.MsFwd, timing.DenseFwdMs, timing.MsBwd, timing.DenseBwdMs));
    }
}

using MInference.Cli.Bench;
using MInference.Sla;
using MInference.Synthetic;

namespace MInference.Cli.Sla;

/// <summary>
/// `sla` on the GPU: dense attention (<see cref="Attention.Dense"/>, causal as SLA is), the mask, SLA at
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
        bool causal = settings.Options.Causal;
        var problem = new AttentionProblem(settings.Batch, settings.Heads, settings.Heads, settings.SequenceLength, settings.HeadDim, settings.DType, causal);
        using var buffers = new DeviceAttentionBuffers(context, problem, withDenseOutput: true);
        HalfTensorCopies.Upload(data.Q.Data.Span, buffers.Q);
        HalfTensorCopies.Upload(data.K.Data.Span, buffers.K);
        HalfTensorCopies.Upload(data.V.Data.Span, buffers.V);

        progress.Describe("dense attention");
        Attention.Dense(context, buffers.Q, buffers.K, buffers.V, buffers.DenseOutput, new DenseAttentionOptions { Causal = causal });
        var dense = new float[data.Q.Data.Length];
        HalfTensorCopies.Download(buffers.DenseOutput, dense);
        progress.Advance();

        progress.Describe("mask prediction");
        // Causal rows differ in their counts (a row sees the blocks up to its own): they are counted
        // from the classes, which the picture needs too.
        using SlaDeviceMask mask = GpuSparseLinearAttention.PredictMask(context, buffers.Q, buffers.K, settings.Options, keepClasses: causal || settings.PlotPath is not null);
        SlaBlockMask[]? classMasks = mask.HasClasses ? mask.CopyClassesToHost() : null;
        SlaBlockMask? plotMask = settings.PlotPath is null ? null : classMasks![settings.PlotHead];
        progress.Advance();

        (float[] sparse, float[]? fitted, double[] curve) = GpuProjectionFit.Run(context, buffers, mask, settings, dense, progress);

        progress.Describe("timing SLA and dense attention");
        var benchCase = new SlaBenchCase(problem, settings.Options, settings.FeatureMapName, settings.LinearBranchName, WarmupRuns, TimedRuns);
        SlaBenchmarkResult timing = SlaBenchmark.Measure(context, benchCase, buffers, message => progress.Describe($"timing: {message}"));
        progress.Advance();

        long perHead = (long)settings.Batch * settings.Blocks;
        var rowClasses = new SlaClassCounts(
            perHead * mask.CriticalBlocksPerRow, perHead * (settings.Blocks - mask.CriticalBlocksPerRow - mask.NegligibleBlocksPerRow), perHead * mask.NegligibleBlocksPerRow);
        SlaClassCounts[] classes = causal ? SlaClassCounts.PerHead(classMasks!, settings.Heads) : [.. Enumerable.Repeat(rowClasses, settings.Heads)];
        return new SlaRunOutputs(
            context.Device.Name, dense, sparse, fitted, curve, classes, mask.CriticalBlocksPerRow, mask.NegligibleBlocksPerRow, plotMask,
            new SlaTimings("cuda-events", timing.MsFwd, timing.DenseFwdMs, timing.MsBwd, timing.DenseBwdMs));
    }
}

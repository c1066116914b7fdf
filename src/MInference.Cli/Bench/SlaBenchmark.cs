using MInference.Sla;

namespace MInference.Cli.Bench;

/// <summary>
/// Measures one <see cref="SlaBenchCase"/> with CUDA events after warm-up: mask prediction, the
/// forward over the predicted mask, both in a row, and our dense non-causal kernel on the same
/// tensors; medians of the timed runs. Everything (mask, saved state, both workspaces, Proj) is
/// allocated before the timed region, which only enqueues kernels.
/// </summary>
internal static class SlaBenchmark
{
    private const int RandomSeed = 1234;

    public static SlaBenchmarkResult Measure(GpuContext context, SlaBenchCase benchCase, Action<string> report)
    {
        AttentionProblem problem = benchCase.Problem;
        SlaOptions options = benchCase.Options;
        report("preparing random inputs");
        using var buffers = new DeviceAttentionBuffers(context, problem, withDenseOutput: true);
        buffers.FillInputsWithRandomValues(new Random(RandomSeed));
        // The released initialisation: the output error is the critical branch's alone, the timing the same as for trained weights.
        using SlaDeviceProjection projection = SlaDeviceProjection.Upload(context, SlaProjection.Zero(problem.HeadDim));
        using SlaDeviceMask mask = SlaDeviceMask.Allocate(context, buffers.Q, options);
        using SlaDeviceSavedState state = SlaDeviceSavedState.Allocate(context, buffers.Q, mask);
        using var maskWorkspace = new DeviceBuffer(context, Math.Max(GpuSparseLinearAttention.MaskWorkspaceSize(context, buffers.Q, buffers.K, options, mask), 1));
        using var forwardWorkspace = new DeviceBuffer(
            context, Math.Max(GpuSparseLinearAttention.ForwardWorkspaceSize(context, buffers.Q, buffers.K, buffers.V, projection, options, buffers.Output, state), 1));
        using var timer = new GpuTimer(context);

        void PredictMask() => GpuSparseLinearAttention.PredictMask(context, buffers.Q, buffers.K, options, mask, maskWorkspace);
        void Attend() => GpuSparseLinearAttention.Forward(context, buffers.Q, buffers.K, buffers.V, projection, options, buffers.Output, state, forwardWorkspace);
        void Forward()
        {
            PredictMask();
            Attend();
        }

        report("warming up");
        for (int i = 0; i < benchCase.Warmup; i++)
        {
            Forward();
        }

        report($"timing mask prediction, the forward and both, {benchCase.Iterations} runs each");
        double msMask = SparseBenchmark.Median(benchCase.Iterations, timer, PredictMask);
        double msAttention = SparseBenchmark.Median(benchCase.Iterations, timer, Attend);
        double msForward = SparseBenchmark.Median(benchCase.Iterations, timer, Forward);

        report("timing dense attention");
        var dense = new DenseAttentionOptions { Causal = false };
        void Dense() => Attention.Dense(context, buffers.Q, buffers.K, buffers.V, buffers.DenseOutput, dense);
        for (int i = 0; i < benchCase.Warmup; i++)
        {
            Dense();
        }

        double denseMs = SparseBenchmark.Median(benchCase.Iterations, timer, Dense);
        report("comparing the output with dense attention's");
        double relativeL2 = OutputError.RelativeL2(buffers.Output, buffers.DenseOutput);
        return new SlaBenchmarkResult(
            Op: "sla",
            Batch: problem.Batch,
            Seq: problem.SequenceLength,
            Heads: problem.Heads,
            HeadDim: problem.HeadDim,
            Dtype: DTypeNames.ToShortName(problem.DType),
            Critical: options.CriticalFraction,
            Negligible: options.NegligibleFraction,
            CriticalBlocks: mask.CriticalBlocksPerRow,
            NegligibleBlocks: mask.NegligibleBlocksPerRow,
            FeatureMap: benchCase.FeatureMapName,
            LinearBranch: benchCase.LinearBranchName,
            MsMask: msMask,
            MsFwd: msForward,
            MsAttention: msAttention,
            MsBwd: null,
            DenseFwdMs: denseMs,
            DenseBwdMs: null,
            RelL2: relativeL2,
            Device: context.Device.Name,
            Mainloop: context.Device.AttentionMainloop);
    }
}

using MInference.Sla;

namespace MInference.Cli.Bench;

/// <summary>
/// Measures one <see cref="SlaBenchCase"/> with CUDA events after warm-up: mask prediction, the
/// forward over the predicted mask, both in a row, our dense non-causal kernel on the same tensors,
/// the backward alone, and the backward with every block critical (our dense backward); medians of
/// the timed runs. Everything a timed step uses (mask, saved states, workspaces, Proj, gradients) is
/// allocated before its timed region, which only enqueues kernels.
/// </summary>
internal static class SlaBenchmark
{
    private const int RandomSeed = 1234;

    /// <summary>FLOPs of a FlashAttention-style backward per FLOP of the forward: Q·Kᵀ recomputed, then dV = Pᵀ·dO, dP = dO·Vᵀ, dQ = dS·K and dK = dSᵀ·Q, 5 products for the forward's 2.</summary>
    private const double BackwardFlopsPerForwardFlop = 2.5;

    /// <summary>Measures <paramref name="benchCase"/> on random inputs (uniform in [-1, 1), seeded).</summary>
    public static SlaBenchmarkResult Measure(GpuContext context, SlaBenchCase benchCase, Action<string> report)
    {
        report("preparing random inputs");
        using var buffers = new DeviceAttentionBuffers(context, benchCase.Problem, withDenseOutput: true);
        buffers.FillInputsWithRandomValues(new Random(RandomSeed));
        return Measure(context, benchCase, buffers, report);
    }

    /// <summary>Measures <paramref name="benchCase"/> on the caller's q, k and v (<paramref name="buffers"/>' outputs are overwritten).</summary>
    public static SlaBenchmarkResult Measure(GpuContext context, SlaBenchCase benchCase, DeviceAttentionBuffers buffers, Action<string> report)
    {
        AttentionProblem problem = benchCase.Problem;
        SlaOptions options = benchCase.Options;
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
        WarmUp(benchCase, Forward);
        report($"timing mask prediction, the forward and both, {benchCase.Iterations} runs each");
        double msMask = SparseBenchmark.Median(benchCase.Iterations, timer, PredictMask);
        double msAttention = SparseBenchmark.Median(benchCase.Iterations, timer, Attend);
        double msForward = SparseBenchmark.Median(benchCase.Iterations, timer, Forward);

        report("timing dense attention");
        var dense = new DenseAttentionOptions { Causal = options.Causal };
        void Dense() => Attention.Dense(context, buffers.Q, buffers.K, buffers.V, buffers.DenseOutput, dense);
        WarmUp(benchCase, Dense);
        double denseMs = SparseBenchmark.Median(benchCase.Iterations, timer, Dense);
        report("comparing the output with dense attention's");
        double relativeL2 = OutputError.RelativeL2(buffers.Output, buffers.DenseOutput);

        report($"timing the backward, {benchCase.Iterations} runs");
        using var gradients = new SlaGradientBuffers(context, problem, new Random(RandomSeed + 1));
        var backward = new BackwardRun(context, benchCase, buffers, projection, gradients, timer);
        (double msBackward, long backwardWorkspaceBytes) = backward.Time(options, state);

        report("timing the dense backward (every block critical)");
        // Our fallback without sparsity: every key block critical, and the paper's linear branch, then empty.
        SlaOptions denseOptions = options with { CriticalFraction = 1, NegligibleFraction = 0, LinearBranch = SlaLinearBranch.MarginalBlocks };
        using SlaDeviceSavedState denseState = GpuSparseLinearAttention.Forward(context, buffers.Q, buffers.K, buffers.V, projection, denseOptions, buffers.DenseOutput);
        double denseBackwardMs = backward.Time(denseOptions, denseState).Milliseconds;

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
            MsBwd: msBackward,
            DenseFwdMs: denseMs,
            DenseBwdMs: denseBackwardMs,
            DenseBwdTflops: BackwardFlopsPerForwardFlop * problem.Flops / (denseBackwardMs * 1e9),
            BwdWorkspaceBytes: backwardWorkspaceBytes,
            RelL2: relativeL2,
            Device: context.Device.Name,
            Mainloop: context.Device.AttentionMainloop);
    }

    private static void WarmUp(SlaBenchCase benchCase, Action run)
    {
        for (int i = 0; i < benchCase.Warmup; i++)
        {
            run();
        }
    }

    /// <summary>Times SLA's backward over q, k, v and dO into the same gradients, for a given saved state.</summary>
    private sealed record BackwardRun(
        GpuContext Context, SlaBenchCase BenchCase, DeviceAttentionBuffers Buffers, SlaDeviceProjection Projection, SlaGradientBuffers Gradients, GpuTimer Timer)
    {
        /// <summary>The median of the backward alone over <paramref name="state"/> (its workspace allocated first), and the workspace's size.</summary>
        public (double Milliseconds, long WorkspaceBytes) Time(SlaOptions options, SlaDeviceSavedState state)
        {
            long bytes = GpuSparseLinearAttention.BackwardWorkspaceSize(
                Context, Buffers.Q, Buffers.K, Buffers.V, Projection, options, state, Gradients.OutputGradient, Gradients.Query, Gradients.Key, Gradients.Value, Gradients.Projection);
            using var workspace = new DeviceBuffer(Context, Math.Max(bytes, 1));
            void Backward() => GpuSparseLinearAttention.Backward(
                Context, Buffers.Q, Buffers.K, Buffers.V, Projection, options, state, Gradients.OutputGradient, Gradients.Query, Gradients.Key, Gradients.Value, Gradients.Projection, workspace);
            WarmUp(BenchCase, Backward);
            return (SparseBenchmark.Median(BenchCase.Iterations, Timer, Backward), bytes);
        }
    }
}

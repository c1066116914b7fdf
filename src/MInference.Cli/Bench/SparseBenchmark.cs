using MInference.Prefill;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Cli.Bench;

/// <summary>
/// Measures one <see cref="SparseBenchCase"/> with CUDA events after warm-up, all on one
/// <see cref="SparsePrefillPlan"/> (created once, as a serving engine would): the eager layer end
/// to end (every kernel launched by the host, graph replay off; a plan's run never waits), the
/// layer captured once and replayed as a CUDA graph when asked, then each step with <see cref="SparsePrefillOptions.MeasureStepTimes"/> (whose sum is the
/// layer's kernel time), then our dense causal kernel on the same tensors; medians of the timed
/// runs. Entries are counted exactly on the indices, once.
/// </summary>
internal static class SparseBenchmark
{
    private const int RandomSeed = 1234;

    public static SparseBenchmarkResult Measure(GpuContext context, SparseBenchCase benchCase, Action<string> report)
    {
        AttentionProblem problem = benchCase.Problem;
        string label = $"seq {problem.SequenceLength}";
        using var buffers = new DeviceAttentionBuffers(context, problem, withDenseOutput: true);
        SparseBenchData.Fill(buffers, problem, benchCase.Data, RandomSeed, message => report($"{label}: {message}"), benchCase.Pattern.VideoHeads);
        HeadPattern[] patterns = benchCase.HeadPatterns;
        var shape = PrefillShape.Of(buffers.Q, buffers.K);
        using var timer = new GpuTimer(context);

        report($"{label}: planning and warming up");
        // Eager: every kernel launched by the host on each run (a plan would otherwise replay its
        // own graph from the second run on the same buffers, which --graph measures separately).
        using var plan = SparsePrefillPlan.Create(context, shape, patterns, benchCase.Policy with { ReplayGraphs = false });
        void RunLayer() => plan.Run(buffers.Q, buffers.K, buffers.V, buffers.Output);
        for (int i = 0; i < benchCase.Warmup; i++)
        {
            RunLayer();
        }

        report($"{label}: timing the layer, {benchCase.Iterations} runs");
        double total = Median(benchCase.Iterations, timer, RunLayer);
        double pipelined = BackToBack(benchCase.Iterations, timer, RunLayer);
        double host = HostMedian(benchCase.Iterations, context, RunLayer);
        SparsePrefillReport exact = ExactReport(context, benchCase, patterns, buffers, shape);

        double? graphed = null;
        if (benchCase.Graph)
        {
            report($"{label}: timing the layer as a CUDA graph, {benchCase.Iterations} replays");
            using PrefillGraph graph = plan.CaptureGraph(buffers.Q, buffers.K, buffers.V, buffers.Output);
            for (int i = 0; i < benchCase.Warmup; i++)
            {
                graph.Launch();
            }

            graphed = Median(benchCase.Iterations, timer, graph.Launch);
        }

        report($"{label}: timing each step, {benchCase.Iterations} runs");
        using var timedPlan = SparsePrefillPlan.Create(context, shape, patterns, benchCase.Policy with { MeasureStepTimes = true });
        SparsePrefillStepTimes[] steps = Enumerable.Range(0, benchCase.Iterations).Select(_ =>
        {
            timedPlan.Run(buffers.Q, buffers.K, buffers.V, buffers.Output);
            return timedPlan.ReadReport().StepTimes!.Value;
        }).ToArray();

        (double dense, double relativeL2) = DenseAndError(context, benchCase, buffers, timer, message => report($"{label}: {message}"));
        double attention = Statistics.Median(steps.Select(step => (double)step.AttentionMilliseconds).ToArray());
        long denseEntries = problem.Heads * SparseDensity.CausalEntries(problem.SequenceLength);
        var parameters = benchCase.Pattern.Parameters.ToDictionary(parameter => parameter.Key, parameter => parameter.Value);
        parameters["min_seq"] = benchCase.Policy.MinSequenceLength;
        parameters["max_density"] = benchCase.Policy.MaxDensity;
        parameters["dense_fallback_heads"] = exact.Fallbacks.Count;
        return new SparseBenchmarkResult(
            Op: "sparse",
            Pattern: benchCase.Pattern.Name,
            Params: parameters,
            Seq: problem.SequenceLength,
            Heads: problem.Heads,
            KvHeads: problem.KvHeads,
            HeadDim: problem.HeadDim,
            Dtype: DTypeNames.ToShortName(problem.DType),
            Data: benchCase.Data,
            MsEstimate: Statistics.Median(steps.Select(step => (double)step.EstimateMilliseconds).ToArray()),
            MsIndex: Statistics.Median(steps.Select(step => (double)step.IndexMilliseconds).ToArray()),
            MsAttention: attention,
            MsKernels: Statistics.Median(steps.Select(step => (double)(step.EstimateMilliseconds + step.IndexMilliseconds + step.AttentionMilliseconds)).ToArray()),
            MsTotal: total,
            MsPipelined: pipelined,
            MsHost: host,
            MsGraph: graphed,
            Density: exact.Density,
            TflopsKept: benchCase.Tflops(exact.ComputedEntries, attention),
            DenseMs: dense,
            DenseTflops: benchCase.Tflops(denseEntries, dense),
            SpeedupVsDense: dense / total,
            RelL2: relativeL2,
            Device: context.Device.Name,
            Mainloop: context.Device.AttentionMainloop);
    }

    /// <summary>
    /// Our dense causal kernel on the same tensors (median of the timed runs after warm-up, into the
    /// buffers' dense output), then the relative L2 error against it of the layer output the timed
    /// runs left in the buffers' output (the kernels are deterministic: every run writes the same).
    /// </summary>
    internal static (double DenseMs, double RelativeL2) DenseAndError(
        GpuContext context, SparseBenchCase benchCase, DeviceAttentionBuffers buffers, GpuTimer timer, Action<string> report)
    {
        report("timing dense attention");
        var causal = new DenseAttentionOptions { Causal = true };
        void Dense() => Attention.Dense(context, buffers.Q, buffers.K, buffers.V, buffers.DenseOutput, causal);
        for (int i = 0; i < benchCase.Warmup; i++)
        {
            Dense();
        }

        double dense = Median(benchCase.Iterations, timer, Dense);
        report("comparing the output with dense attention's");
        return (dense, OutputError.RelativeL2(buffers.Output, buffers.DenseOutput));
    }

    /// <summary>The report of one run that counts entries exactly (on host copies of the indices).</summary>
    private static SparsePrefillReport ExactReport(
        GpuContext context, SparseBenchCase benchCase, HeadPattern[] patterns, DeviceAttentionBuffers buffers, PrefillShape shape)
    {
        using var counting = SparsePrefillPlan.Create(context, shape, patterns, benchCase.Policy with { ExactDensity = true });
        counting.Run(buffers.Q, buffers.K, buffers.V, buffers.Output);
        return counting.ReadReport();
    }

    /// <summary>Runs enqueued back to back between one pair of events: GPU milliseconds per run.</summary>
    internal static double BackToBack(int iterations, GpuTimer timer, Action run)
    {
        timer.Start();
        for (int i = 0; i < iterations; i++)
        {
            run();
        }

        return timer.Stop() / (double)iterations;
    }

    /// <summary>Median host milliseconds until <paramref name="run"/> returns, the GPU idle before each.</summary>
    internal static double HostMedian(int iterations, GpuContext context, Action run) =>
        Statistics.Median(Enumerable.Range(0, iterations).Select(_ =>
        {
            context.Synchronize();
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            run();
            return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }).ToArray());

    internal static double Median(int iterations, GpuTimer timer, Action run) =>
        Statistics.Median(Enumerable.Range(0, iterations).Select(_ =>
        {
            timer.Start();
            run();
            return (double)timer.Stop();
        }).ToArray());
}

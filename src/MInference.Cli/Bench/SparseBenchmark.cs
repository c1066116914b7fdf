using MInference.Sparse;

namespace MInference.Cli.Bench;

/// <summary>
/// Measures one <see cref="SparseBenchCase"/> with CUDA events after warm-up: the whole layer call
/// end to end (without per-step events, which wait for the GPU), then each step with
/// <see cref="SparsePrefillOptions.MeasureStepTimes"/>, then our dense causal kernel on the same
/// tensors; medians of the timed runs. Entries are counted exactly on the indices, once.
/// </summary>
internal static class SparseBenchmark
{
    private const int RandomSeed = 1234;

    public static SparseBenchmarkResult Measure(GpuContext context, SparseBenchCase benchCase, Action<string> report)
    {
        AttentionProblem problem = benchCase.Problem;
        string label = $"seq {problem.SequenceLength}";
        using var buffers = new DeviceAttentionBuffers(context, problem);
        SparseBenchData.Fill(buffers, problem, benchCase.Data, RandomSeed, message => report($"{label}: {message}"));
        HeadPattern[] patterns = benchCase.HeadPatterns;
        SparsePrefillReport RunLayer(SparsePrefill prefill) => prefill.RunLayer(context, buffers.Q, buffers.K, buffers.V, patterns, buffers.Output);

        report($"{label}: warming up");
        var prefill = new SparsePrefill(benchCase.Policy);
        for (int i = 0; i < benchCase.Warmup; i++)
        {
            RunLayer(prefill);
        }

        report($"{label}: timing the layer, {benchCase.Iterations} runs");
        using var timer = new GpuTimer(context);
        double total = Median(benchCase.Iterations, () =>
        {
            timer.Start();
            RunLayer(prefill);
            return timer.Stop();
        });

        report($"{label}: timing each step, {benchCase.Iterations} runs");
        var timed = new SparsePrefill(benchCase.Policy with { MeasureStepTimes = true });
        SparsePrefillStepTimes[] steps = Enumerable.Range(0, benchCase.Iterations).Select(_ => RunLayer(timed).StepTimes!.Value).ToArray();

        report($"{label}: counting entries");
        SparsePrefillReport exact = RunLayer(new SparsePrefill(benchCase.Policy with { ExactDensity = true }));

        report($"{label}: timing dense attention");
        var causal = new DenseAttentionOptions { Causal = true };
        for (int i = 0; i < benchCase.Warmup; i++)
        {
            Attention.Dense(context, buffers.Q, buffers.K, buffers.V, buffers.Output, causal);
        }

        double dense = Median(benchCase.Iterations, () =>
        {
            timer.Start();
            Attention.Dense(context, buffers.Q, buffers.K, buffers.V, buffers.Output, causal);
            return timer.Stop();
        });

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
            MsTotal: total,
            Density: exact.Density,
            TflopsKept: benchCase.Tflops(exact.ComputedEntries, attention),
            DenseMs: dense,
            DenseTflops: benchCase.Tflops(denseEntries, dense),
            SpeedupVsDense: dense / total,
            Device: context.Device.Name);
    }

    private static double Median(int iterations, Func<float> measure) =>
        Statistics.Median(Enumerable.Range(0, iterations).Select(_ => (double)measure()).ToArray());
}

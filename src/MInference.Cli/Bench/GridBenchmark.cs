using MInference.Multimodal;
using MInference.Sparse.Prefill;
using MInference.Sparse.Gpu;

namespace MInference.Cli.Bench;

/// <summary>
/// Measures `bench sparse --pattern grid` (MMInference's grid heads, every head) on video data:
/// the device pipeline — last-query profiles (<see cref="VerticalSlashGpu"/>), stride, phase and
/// order (<see cref="GridGpu.Estimate"/>), block selection in permuted space
/// (<see cref="GridGpu.Select"/>), permuted-block attention (<see cref="Attention.Permuted"/>) —
/// with CUDA events after warm-up, each step alone and the whole end to end, then our dense causal
/// kernel on the same tensors and the relative L2 error of the output against it. Each step
/// allocates its outputs and workspace (cudaMalloc), which the end-to-end time includes.
/// </summary>
internal static class GridBenchmark
{
    private const int RandomSeed = 1234;

    public static SparseBenchmarkResult Measure(GpuContext context, SparseBenchCase benchCase, Action<string> report)
    {
        AttentionProblem problem = benchCase.Problem;
        GridPattern pattern = benchCase.Pattern.GridConfig ?? throw new ArgumentException("the grid benchmark needs a grid pattern", nameof(benchCase));
        string label = $"seq {problem.SequenceLength}";
        ModalityMap prompt = SparseBenchData.VideoPrompt(problem.SequenceLength);
        using var buffers = new DeviceAttentionBuffers(context, problem, withDenseOutput: true);
        SparseBenchData.Fill(buffers, problem, benchCase.Data, RandomSeed, message => report($"{label}: {message}"), benchCase.Pattern.VideoHeads);
        int[] heads = [.. Enumerable.Range(0, problem.Heads)];
        using var timer = new GpuTimer(context);

        DeviceGridEstimate Estimate()
        {
            using DeviceVerticalSlashScores scores = VerticalSlashGpu.Estimate(context, buffers.Q, buffers.K, heads);
            return GridGpu.Estimate(context, scores, prompt);
        }

        void RunLayer()
        {
            using DeviceGridEstimate estimate = Estimate();
            using DevicePermutedBlockIndex index = GridGpu.Select(context, buffers.Q, buffers.K, estimate, pattern);
            Attention.Permuted(context, buffers.Q, buffers.K, buffers.V, buffers.Output, index);
        }

        report($"{label}: warming up");
        for (int i = 0; i < benchCase.Warmup; i++)
        {
            RunLayer();
        }

        report($"{label}: timing the layer, {benchCase.Iterations} runs");
        double total = SparseBenchmark.Median(benchCase.Iterations, timer, RunLayer);
        double pipelined = SparseBenchmark.BackToBack(benchCase.Iterations, timer, RunLayer);
        double host = SparseBenchmark.HostMedian(benchCase.Iterations, context, RunLayer);

        report($"{label}: timing each step, {benchCase.Iterations} runs");
        var estimateMs = new double[benchCase.Iterations];
        var selectMs = new double[benchCase.Iterations];
        var attentionMs = new double[benchCase.Iterations];
        long computedEntries = 0;
        var strides = new int[problem.Heads];
        for (int i = 0; i < benchCase.Iterations; i++)
        {
            timer.Start();
            using DeviceGridEstimate estimate = Estimate();
            estimateMs[i] = timer.Stop();
            timer.Start();
            using DevicePermutedBlockIndex index = GridGpu.Select(context, buffers.Q, buffers.K, estimate, pattern);
            selectMs[i] = timer.Stop();
            timer.Start();
            Attention.Permuted(context, buffers.Q, buffers.K, buffers.V, buffers.Output, index);
            attentionMs[i] = timer.Stop();
            if (i == 0)
            {
                computedEntries = index.Download().ComputedEntries();
                estimate.Strides.CopyToHost<int>(strides);
            }
        }

        (double dense, double relativeL2) = SparseBenchmark.DenseAndError(context, benchCase, buffers, timer, message => report($"{label}: {message}"));
        double attention = Statistics.Median(attentionMs);
        long denseEntries = problem.Heads * SparseDensity.CausalEntries(problem.SequenceLength);
        var parameters = benchCase.Pattern.Parameters.ToDictionary(parameter => parameter.Key, parameter => parameter.Value);
        parameters["median_stride"] = Statistics.Median([.. strides.Select(stride => (double)stride)]);
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
            MsEstimate: Statistics.Median(estimateMs),
            MsIndex: Statistics.Median(selectMs),
            MsAttention: attention,
            MsKernels: Statistics.Median([.. Enumerable.Range(0, benchCase.Iterations).Select(i => estimateMs[i] + selectMs[i] + attentionMs[i])]),
            MsTotal: total,
            MsPipelined: pipelined,
            MsHost: host,
            MsGraph: null,
            Density: (double)computedEntries / denseEntries,
            TflopsKept: benchCase.Tflops(computedEntries, attention),
            DenseMs: dense,
            DenseTflops: benchCase.Tflops(denseEntries, dense),
            SpeedupVsDense: dense / total,
            RelL2: relativeL2,
            Device: context.Device.Name,
            Mainloop: context.Device.AttentionMainloop);
    }
}

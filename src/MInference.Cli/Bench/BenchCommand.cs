using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace MInference.Cli.Bench;

/// <summary>`minference bench dense`: GPU kernel time by CUDA events, median of the timed runs after a warm-up.</summary>
internal static class BenchCommand
{
    private const int RandomSeed = 1234;

    private static readonly Option<int[]> s_sequenceLengths = new Option<int[]>("--seq")
    {
        Description = "Sequence length(s), q_len = kv_len; several values give one result per value",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    }.AllAtLeast(1);

    private static readonly Option<int> s_heads = new Option<int>("--heads") { Description = "Query heads", DefaultValueFactory = _ => 32 }.AtLeast(1);
    private static readonly Option<int> s_kvHeads = new Option<int>("--kv-heads") { Description = "Key/value heads (divides --heads)", DefaultValueFactory = _ => 8 }.AtLeast(1);
    private static readonly Option<int> s_headDim = new Option<int>("--head-dim") { Description = $"Head dimension ({AttentionHeadDims.Text})", DefaultValueFactory = _ => 128 }.AtLeast(1);
    private static readonly Option<string> s_dtype = DTypeNames.CreateOption();
    private static readonly Option<bool> s_causal = new("--causal") { Description = "Causal mask (bottom-right aligned)" };
    private static readonly Option<int> s_batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 1 }.AtLeast(1);
    private static readonly Option<int> s_warmup = new Option<int>("--warmup") { Description = "Untimed launches first", DefaultValueFactory = _ => 5 }.AtLeast(0);
    private static readonly Option<int> s_iterations = new Option<int>("--iters") { Description = "Timed launches (>= 10); the median is reported", DefaultValueFactory = _ => 20 }.AtLeast(10);
    private static readonly Option<bool> s_json = new("--json") { Description = "One JSON object per case on its own line" };

    public static Command Create()
    {
        var dense = new Command("dense", "Time dense attention with CUDA events (median of the timed runs after warm-up; FLOPs = 4·B·H·N_q·N_kv·D, halved when causal).")
        {
            s_sequenceLengths, s_heads, s_kvHeads, s_headDim, s_dtype, s_causal, s_batch, s_warmup, s_iterations, s_json,
        }.WithExamples("minference bench dense --seq 8192 32768 --heads 32 --kv-heads 32 --head-dim 128 --dtype bf16 --causal --json");
        dense.SetAction(parse => Consoles.Run(() => Run(parse)));
        return new Command("bench", "Benchmark the GPU kernels (needs a CUDA device): `bench dense`, `bench sparse`, `bench decode`, `bench sla`.")
        {
            dense, SparseBenchCommand.Create(), DecodeBenchCommand.Create(), SlaBenchCommand.Create(),
        };
    }

    private static ExitCode Run(ParseResult parse)
    {
        if (!GpuBackend.IsAvailable)
        {
            Consoles.Error.MarkupLineInterpolated($"[red]bench needs the GPU. GPU backend unavailable:[/] {GpuBackend.UnavailableReason}");
            return ExitCode.GpuUnavailable;
        }

        int warmup = parse.GetValue(s_warmup);
        int iterations = parse.GetValue(s_iterations);
        bool json = parse.GetValue(s_json);
        using var context = new GpuContext();
        var results = new List<DenseBenchmarkResult>();
        foreach (int sequenceLength in parse.GetRequiredValue(s_sequenceLengths))
        {
            var problem = new AttentionProblem(
                parse.GetValue(s_batch), parse.GetValue(s_heads), parse.GetValue(s_kvHeads), sequenceLength,
                parse.GetValue(s_headDim), DTypeNames.Parse(parse.GetValue(s_dtype)), parse.GetValue(s_causal));
            DenseBenchmarkResult result = Consoles.WithProgress(report => Measure(context, problem, warmup, iterations, report));
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(result, BenchmarkJsonContext.Default.DenseBenchmarkResult));
            }

            results.Add(result);
        }

        if (!json)
        {
            Consoles.Out.Write(ResultTable(results, context.Device.Name));
        }

        return ExitCode.Success;
    }

    private static DenseBenchmarkResult Measure(GpuContext context, AttentionProblem problem, int warmup, int iterations, Action<string> report)
    {
        report($"seq {problem.SequenceLength}: preparing random inputs");
        using var buffers = new DeviceAttentionBuffers(context, problem);
        buffers.FillInputsWithRandomValues(new Random(RandomSeed));
        var options = new DenseAttentionOptions { Causal = problem.Causal };

        report($"seq {problem.SequenceLength}: warming up");
        for (int i = 0; i < warmup; i++)
        {
            Attention.Dense(context, buffers.Q, buffers.K, buffers.V, buffers.Output, options);
        }

        context.Synchronize();
        report($"seq {problem.SequenceLength}: timing {iterations} runs");
        using var timer = new GpuTimer(context);
        var milliseconds = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            timer.Start();
            Attention.Dense(context, buffers.Q, buffers.K, buffers.V, buffers.Output, options);
            milliseconds[i] = timer.Stop();
        }

        double median = Statistics.Median(milliseconds);
        return new DenseBenchmarkResult(
            Op: "dense",
            Batch: problem.Batch,
            Seq: problem.SequenceLength,
            Heads: problem.Heads,
            KvHeads: problem.KvHeads,
            HeadDim: problem.HeadDim,
            Dtype: DTypeNames.ToShortName(problem.DType),
            Causal: problem.Causal,
            Warmup: warmup,
            Iters: iterations,
            MsMedian: median,
            MsMin: milliseconds.Min(),
            Tflops: problem.Flops / (median * 1e9),
            Device: context.Device.Name,
            Mainloop: context.Device.AttentionMainloop);
    }

    private static Table ResultTable(List<DenseBenchmarkResult> results, string device)
    {
        var table = new Table()
            .Title(Markup.Escape($"dense attention on {device}"))
            .AddColumn(new TableColumn("seq").RightAligned())
            .AddColumn("batch, heads q/kv, dim")
            .AddColumn("dtype")
            .AddColumn("causal")
            .AddColumn(new TableColumn("median ms").RightAligned())
            .AddColumn(new TableColumn("min ms").RightAligned())
            .AddColumn(new TableColumn("TFLOP/s").RightAligned());
        foreach (DenseBenchmarkResult result in results)
        {
            table.AddRow(
                result.Seq.ToString(),
                $"{result.Batch}, {result.Heads}/{result.KvHeads}, {result.HeadDim}",
                result.Dtype,
                result.Causal ? "yes" : "no",
                $"{result.MsMedian:F3}",
                $"{result.MsMin:F3}",
                $"{result.Tflops:F1}");
        }

        return table;
    }
}

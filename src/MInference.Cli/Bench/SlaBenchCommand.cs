using System.CommandLine;
using System.Text.Json;
using MInference.Cli.Sla;
using MInference.Sla;
using Spectre.Console;

namespace MInference.Cli.Bench;

/// <summary>
/// `minference bench sla`: sparse-linear attention on the GPU (mask prediction, the forward, both, the
/// backward) timed with CUDA events (median of the timed runs after a warm-up) against our dense
/// non-causal kernel and our backward with every block critical on the same tensors, with the
/// output's error against dense attention.
/// </summary>
internal static class SlaBenchCommand
{
    private static readonly SlaLayerOptions s_layer = new();

    private static readonly Option<int[]> s_sequenceLengths = new Option<int[]>("--seq")
    {
        Description = $"Sequence length(s), at most {GpuSparseLinearAttention.MaxSequenceLength}; several values give one result per value",
        DefaultValueFactory = _ => [32760],
        AllowMultipleArgumentsPerToken = true,
    }.AllAtLeast(1);

    private static readonly Option<int> s_heads = new Option<int>("--heads") { Description = "Heads (of q, k and v)", DefaultValueFactory = _ => 12 }.AtLeast(1);
    private static readonly Option<int> s_headDim = new Option<int>("--head-dim") { Description = $"Head dimension ({AttentionHeadDims.Text})", DefaultValueFactory = _ => 128 }.AtLeast(1);
    private static readonly Option<int> s_batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 1 }.AtLeast(1);
    private static readonly Option<string> s_dtype = DTypeNames.CreateOption();
    private static readonly Option<int> s_warmup = new Option<int>("--warmup") { Description = "Untimed runs before each timed step", DefaultValueFactory = _ => 3 }.AtLeast(0);
    private static readonly Option<int> s_iterations = new Option<int>("--iters") { Description = "Timed runs per measurement (>= 10); medians are reported", DefaultValueFactory = _ => 10 }.AtLeast(10);
    private static readonly Option<bool> s_json = new("--json") { Description = "One JSON object per case on its own line" };

    public static Command Create()
    {
        var command = new Command("sla", "Time sparse-linear attention (mask prediction, forward, backward) against our dense non-causal kernel and dense backward, with the output's error against dense attention.")
        {
            s_sequenceLengths, s_heads, s_headDim, s_batch, s_dtype,
        }.WithExamples(
            "minference bench sla --seq 32760 --heads 12 --head-dim 128 --critical 0.05 --negligible 0.10 --json",
            "minference bench sla --seq 8192 32760 75600 --feature-map elu --linear-branch all");
        foreach (Option option in s_layer.All.Append(s_warmup).Append(s_iterations).Append(s_json))
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => Consoles.Run(() => Run(parse)));
        return command;
    }

    private static ExitCode Run(ParseResult parse)
    {
        // Settings the kernels reject are reported before the GPU is looked for.
        if (!AttentionHeadDims.IsSupported(parse.GetValue(s_headDim)))
        {
            throw new ArgumentException($"{s_headDim.Name} {parse.GetValue(s_headDim)} is not supported: the kernels take {AttentionHeadDims.Text}");
        }

        SlaOptions options = s_layer.Parse(parse);
        int[] lengths = parse.GetRequiredValue(s_sequenceLengths);
        int tooLong = lengths.FirstOrDefault(length => length > GpuSparseLinearAttention.MaxSequenceLength);
        if (tooLong > 0)
        {
            throw new ArgumentException($"{s_sequenceLengths.Name} {tooLong}: SLA on the GPU takes at most {GpuSparseLinearAttention.MaxSequenceLength} tokens (2^21)");
        }

        if (!GpuBackend.IsAvailable)
        {
            Consoles.Error.MarkupLineInterpolated($"[red]bench needs the GPU. GPU backend unavailable:[/] {GpuBackend.UnavailableReason}");
            return ExitCode.GpuUnavailable;
        }

        string featureMap = parse.GetValue(s_layer.FeatureMap)!, linearBranch = parse.GetValue(s_layer.LinearBranch)!;
        bool json = parse.GetValue(s_json);
        using var context = new GpuContext();
        var results = new List<SlaBenchmarkResult>();
        foreach (int length in lengths)
        {
            var problem = new AttentionProblem(
                parse.GetValue(s_batch), parse.GetValue(s_heads), parse.GetValue(s_heads), length, parse.GetValue(s_headDim), DTypeNames.Parse(parse.GetValue(s_dtype)), Causal: false);
            var benchCase = new SlaBenchCase(problem, options, featureMap, linearBranch, parse.GetValue(s_warmup), parse.GetValue(s_iterations));
            SlaBenchmarkResult result = Consoles.WithProgress(report => SlaBenchmark.Measure(context, benchCase, message => report($"seq {length}: {message}")));
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(result, BenchmarkJsonContext.Default.SlaBenchmarkResult));
            }

            results.Add(result);
        }

        if (!json)
        {
            Consoles.Out.Write(Table(results, context.Device.Name));
        }

        return ExitCode.Success;
    }

    private static Table Table(List<SlaBenchmarkResult> results, string device)
    {
        var table = new Table()
            .Title(Markup.Escape($"sparse-linear attention on {device}"))
            .AddColumn(new TableColumn("seq").RightAligned())
            .AddColumn("batch, heads, dim")
            .AddColumn("dtype, φ, branch")
            .AddColumn(new TableColumn("k_h / k_l (blocks)").RightAligned())
            .AddColumn(new TableColumn("mask ms").RightAligned())
            .AddColumn(new TableColumn("attention ms").RightAligned())
            .AddColumn(new TableColumn("forward ms").RightAligned())
            .AddColumn(new TableColumn("dense ms").RightAligned())
            .AddColumn(new TableColumn("speedup").RightAligned())
            .AddColumn(new TableColumn("backward ms").RightAligned())
            .AddColumn(new TableColumn("dense bwd ms").RightAligned())
            .AddColumn(new TableColumn("bwd speedup").RightAligned())
            .AddColumn(new TableColumn("rel. L2").RightAligned());
        foreach (SlaBenchmarkResult result in results)
        {
            table.AddRow(
                result.Seq.ToString(),
                $"{result.Batch}, {result.Heads}, {result.HeadDim}",
                $"{result.Dtype}, {result.FeatureMap}, {result.LinearBranch}",
                $"{result.Critical:G3} / {result.Negligible:G3} ({result.CriticalBlocks} / {result.NegligibleBlocks})",
                $"{result.MsMask:F3}",
                $"{result.MsAttention:F3}",
                $"{result.MsFwd:F3}",
                $"{result.DenseFwdMs:F3}",
                $"{result.DenseFwdMs / result.MsFwd:F2}x",
                $"{result.MsBwd:F3}",
                $"{result.DenseBwdMs:F3}",
                $"{result.DenseBwdMs / result.MsBwd:F2}x",
                $"{result.RelL2:P2}");
        }

        return table;
    }
}

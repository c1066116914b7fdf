using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MInference.Cli.Files;
using MInference.Cli.Plots;
using MInference.Sla;
using MInference.Synthetic;

namespace MInference.Cli.Sla;

/// <summary>
/// `minference sla`: one DiT-shaped sparse-linear attention layer on a synthetic video latent with
/// spatio-temporal locality (<see cref="VideoLatentData"/>): per head the mask's critical, marginal
/// and negligible blocks and the output's error against dense attention with Proj at zero and after
/// fitting Proj to dense attention's output; SLA's forward and backward times against dense; on the
/// GPU when there is one (else, or with --cpu, the CPU backend).
/// </summary>
internal static class SlaCommand
{
    /// <summary>The longest sequence the CPU backend takes: its reference is O(N²·D) in double.</summary>
    public const int MaxCpuSequenceLength = 2048;

    /// <summary>The longest sequence with --plot or --causal on the GPU, which copy the mask's classes (B·H·blocks² bytes) to the host.</summary>
    public const int MaxHostClassesSequenceLength = 131072;

    /// <summary>The most elements of one [B, H, N, D] tensor: the command keeps the outputs on the host as fp32.</summary>
    public const long MaxElements = 1L << 27;

    private const int GpuDefaultSequenceLength = 4096;
    private const int CpuDefaultSequenceLength = 1024;

    private static readonly SlaLayerOptions s_layer = new();
    private static readonly Option<int?> s_sequenceLength = new Option<int?>("--seq")
    {
        Description = $"Tokens (frames × height × width; default {GpuDefaultSequenceLength} on the GPU, {CpuDefaultSequenceLength} on the CPU, at most {MaxCpuSequenceLength} there)",
    }.AtLeast(1);

    private static readonly Option<int> s_heads = new Option<int>("--heads") { Description = "Heads (of q, k and v)", DefaultValueFactory = _ => 4 }.AtLeast(1);
    private static readonly Option<int> s_headDim = new Option<int>("--head-dim") { Description = $"Head dimension ({AttentionHeadDims.Text})", DefaultValueFactory = _ => 128 }.AtLeast(1);
    private static readonly Option<int> s_batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 1 }.AtLeast(1);
    private static readonly Option<string> s_dtype = DTypeNames.CreateOption();
    private static readonly Option<int> s_fitSteps = new Option<int>("--fit-steps") { Description = "Adam steps fitting Proj to dense attention's output (0: none)", DefaultValueFactory = _ => 30 }.AtLeast(0);
    private static readonly Option<double> s_learningRate = new Option<double>("--learning-rate") { Description = "Adam's learning rate", DefaultValueFactory = _ => 1e-2 }
        .Between(0, double.PositiveInfinity, minimumExcluded: true);

    private static readonly Option<int?> s_frames = new Option<int?>("--frames") { Description = "Latent frames (default: a factorisation of --seq)" }.AtLeast(1);
    private static readonly Option<int?> s_height = new Option<int?>("--height") { Description = "Latent rows per frame (default: a factorisation of --seq)" }.AtLeast(1);
    private static readonly Option<int?> s_width = new Option<int?>("--width") { Description = "Latent columns per row (default: a factorisation of --seq)" }.AtLeast(1);
    private static readonly Option<int> s_seed = new Option<int>("--seed") { Description = "Seed of the synthetic latent", DefaultValueFactory = _ => 1 }.AnyInteger();
    private static readonly Option<string?> s_plot = new("--plot") { Description = "Also draw one head's block classes into this PNG file" };
    private static readonly Option<int> s_plotHead = new Option<int>("--plot-head") { Description = "The head --plot draws (batch 0)", DefaultValueFactory = _ => 0 }.AtLeast(0);
    private static readonly Option<bool> s_cpu = new("--cpu") { Description = "Run on the CPU backend even when there is a GPU" };
    private static readonly Option<bool> s_causal = new("--causal")
    {
        Description = "Causal SLA (query t sees keys s <= t, the diagonal block critical), measured against causal dense attention; needs --linear-branch marginal",
    };
    private static readonly Option<bool> s_json = new("--json") { Description = "Print one JSON document instead of the tables" };

    public static Command Create()
    {
        var command = new Command("sla", "Sparse-linear attention on a synthetic DiT video latent: per head the block classes and the error against dense attention before and after fitting Proj; SLA's forward and backward time against dense.")
        {
            s_sequenceLength, s_heads, s_headDim, s_batch, s_dtype,
        }.WithExamples(
            "minference sla",
            "minference sla --seq 75600 --frames 21 --height 60 --width 60 --heads 12 --critical 0.05 --negligible 0.10 --plot sla-head0.png",
            "minference sla --cpu --seq 512 --heads 2 --fit-steps 20 --json",
            "minference sla --causal --seq 1024 --heads 2 --plot causal-head0.png");
        foreach (Option option in s_layer.All.Concat([s_fitSteps, s_learningRate, s_frames, s_height, s_width, s_seed, s_plot, s_plotHead, s_cpu, s_causal, s_json]))
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => Consoles.Run(() => Run(parse)));
        return command;
    }

    private static ExitCode Run(ParseResult parse)
    {
        SlaSettings settings = Settings(parse);
        int units = settings.FitSteps + (settings.OnGpu ? GpuSlaEvaluation.FixedSteps : CpuSlaEvaluation.FixedSteps) + 1;
        SlaRunOutputs outputs = Consoles.WithProgressBar($"sla, {(settings.OnGpu ? "GPU" : "CPU")}", units, progress =>
        {
            progress.Describe("generating the latent's q, k, v");
            VideoLatentData data = VideoLatentData.Generate(settings.DataOptions);
            progress.Advance();
            return settings.OnGpu ? GpuSlaEvaluation.Run(settings, data, progress) : CpuSlaEvaluation.Run(settings, data, progress);
        });
        string? written = outputs.PlotMask is null ? null : WritePicture(settings, outputs);
        SlaJson result = Result(settings, outputs, written);
        if (parse.GetValue(s_json))
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(result, SlaJsonContext.Default.SlaJson));
        }
        else
        {
            SlaTables.Print(result);
        }

        return ExitCode.Success;
    }

    /// <summary>Every option checked, and the backend chosen, before any work.</summary>
    private static SlaSettings Settings(ParseResult parse)
    {
        int headDim = parse.GetValue(s_headDim);
        if (!AttentionHeadDims.IsSupported(headDim))
        {
            throw new ArgumentException($"{s_headDim.Name} {headDim} is not supported: expected {AttentionHeadDims.Text}");
        }

        bool causal = parse.GetValue(s_causal);
        SlaOptions options = s_layer.Parse(parse) with { Causal = causal };
        if (causal && options.LinearBranch != SlaLinearBranch.MarginalBlocks)
        {
            throw new ArgumentException($"{s_causal.Name} with {s_layer.LinearBranch.Name} all: the all-keys branch would sum future keys; expected {s_layer.LinearBranch.Name} marginal");
        }

        bool onGpu = !parse.GetValue(s_cpu) && GpuBackend.IsAvailable;
        int? frames = parse.GetValue(s_frames), height = parse.GetValue(s_height), width = parse.GetValue(s_width);
        long latentTokens = (long)(frames ?? 0) * (height ?? 0) * (width ?? 0);
        int maxLength = onGpu ? GpuSparseLinearAttention.MaxSequenceLength : MaxCpuSequenceLength;
        if (latentTokens > maxLength)
        {
            throw new ArgumentException($"--frames {frames} × --height {height} × --width {width} = {latentTokens} tokens; {Backend(onGpu)} takes at most {maxLength}");
        }

        int sequenceLength = parse.GetValue(s_sequenceLength) ?? (latentTokens > 0 ? (int)latentTokens : onGpu ? GpuDefaultSequenceLength : CpuDefaultSequenceLength);
        if (sequenceLength > maxLength)
        {
            string why = onGpu ? "(2^21)"
                : $"(its reference is O(N²·D) in double; {(GpuBackend.IsAvailable ? "leave out --cpu" : "use a GPU")} or lower --seq)";
            throw new ArgumentException($"{s_sequenceLength.Name} {sequenceLength}: {Backend(onGpu)} takes at most {maxLength} tokens {why}");
        }

        LatentGeometry latent = LatentGeometry.Factor(sequenceLength, frames, height, width);
        int batch = parse.GetValue(s_batch), heads = parse.GetValue(s_heads);
        if ((double)batch * heads * sequenceLength * headDim > MaxElements)
        {
            throw new ArgumentException($"--batch {batch} × --heads {heads} × --seq {sequenceLength} × --head-dim {headDim} is above {MaxElements} elements (the outputs are kept on the host); lower one of them");
        }

        string? plotPath = parse.GetValue(s_plot);
        int plotHead = parse.GetValue(s_plotHead);
        if (plotHead >= heads)
        {
            throw new ArgumentException($"{s_plotHead.Name} {plotHead}: expected a head from 0 to {heads - 1} (--heads {heads})");
        }

        if (plotPath is not null)
        {
            PathChecks.RequireOutputFile(s_plot.Name, plotPath);
        }

        if (onGpu && (plotPath is not null || causal) && sequenceLength > MaxHostClassesSequenceLength)
        {
            string what = plotPath is not null ? s_plot.Name : s_causal.Name;
            throw new ArgumentException($"{what} with --seq {sequenceLength}: every head's block classes are kept on the GPU and copied to the host; expected --seq at most {MaxHostClassesSequenceLength}");
        }

        return new SlaSettings(
            latent, batch, heads, headDim, DTypeNames.Parse(parse.GetValue(s_dtype)), options, parse.GetValue(s_layer.FeatureMap)!, parse.GetValue(s_layer.LinearBranch)!,
            parse.GetValue(s_fitSteps), parse.GetValue(s_learningRate), parse.GetValue(s_seed), plotPath, plotHead, onGpu);
    }

    private static string Backend(bool onGpu) => onGpu ? "SLA on the GPU" : "the CPU backend";

    private static SlaJson Result(SlaSettings settings, SlaRunOutputs outputs, string? plot)
    {
        double[] sparseErrors = SlaOutputErrors.PerHead(outputs.Sparse, outputs.Dense, settings.Batch, settings.Heads);
        double[]? fittedErrors = outputs.Fitted is null ? null : SlaOutputErrors.PerHead(outputs.Fitted, outputs.Dense, settings.Batch, settings.Heads);
        SlaHeadResult[] heads = [.. Enumerable.Range(0, settings.Heads).Select(head =>
        {
            SlaClassCounts classes = outputs.Classes[head];
            double total = classes.Total;
            (double time, double space) = VideoLatentData.LengthScales(head);
            return new SlaHeadResult(
                head, time, space, classes.Critical, classes.Marginal, classes.Negligible, classes.Critical / total, classes.Marginal / total, classes.Negligible / total,
                sparseErrors[head], fittedErrors?[head]);
        })];
        LatentGeometry latent = settings.Latent;
        return new SlaJson(
            settings.OnGpu ? "gpu" : "cpu", outputs.Device, settings.SequenceLength, latent.Frames, latent.Height, latent.Width, settings.Batch, settings.Heads, settings.HeadDim,
            settings.ComputeTypeName, settings.Options.CriticalFraction, settings.Options.NegligibleFraction, settings.Blocks, outputs.CriticalBlocksPerRow,
            outputs.NegligibleBlocksPerRow, settings.FeatureMapName, settings.LinearBranchName, settings.Options.Causal, settings.Seed, settings.FitSteps, settings.LearningRate, heads, outputs.Timings,
            outputs.ErrorCurve, plot);
    }

    private static string WritePicture(SlaSettings settings, SlaRunOutputs outputs)
    {
        LatentGeometry latent = settings.Latent;
        string title = string.Create(CultureInfo.InvariantCulture,
            $"head {settings.PlotHead}: SLA block classes · latent {latent} = {settings.SequenceLength:N0} tokens");
        string subtitle = string.Create(CultureInfo.InvariantCulture,
            $"k_h {settings.Options.CriticalFraction:G3} ({outputs.CriticalBlocksPerRow} critical per row) · k_l {settings.Options.NegligibleFraction:G3} ({outputs.NegligibleBlocksPerRow} negligible per row) · {settings.Blocks} × {settings.Blocks} blocks · {(settings.OnGpu ? "GPU" : "CPU")}, seed {settings.Seed}");
        return BlockClassPlot.Write(settings.PlotPath!, outputs.PlotMask!, title, subtitle, settings.Options.Causal);
    }
}

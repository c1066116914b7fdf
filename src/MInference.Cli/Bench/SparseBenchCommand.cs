using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using MInference.Prefill;
using MInference.Sparse.Prefill;
using Spectre.Console;

namespace MInference.Cli.Bench;

/// <summary>
/// `minference bench sparse`: one layer whose heads all use one pattern, run by
/// <see cref="SparsePrefill"/>; each step timed by CUDA events (median of the timed runs after a
/// warm-up), the density counted exactly on the indices, and our dense kernel timed on the same tensors.
/// </summary>
internal static class SparseBenchCommand
{
    private static readonly Option<string> s_pattern = CreatePatternOption();

    private static readonly Option<int> s_vertical = new Option<int>("--vertical") { Description = "vs: vertical_size", DefaultValueFactory = _ => 1000 }.AtLeast(1);
    private static readonly Option<int> s_slash = new Option<int>("--slash") { Description = "vs: slash_size", DefaultValueFactory = _ => 6096 }.AtLeast(1);
    private static readonly Option<int> s_sink = new Option<int>("--sink") { Description = "ashape: sink tokens (n_init)", DefaultValueFactory = _ => 128 }.AtLeast(0);
    private static readonly Option<int> s_local = new Option<int>("--local") { Description = "ashape: local window (n_local)", DefaultValueFactory = _ => 4096 }.AtLeast(1);
    private static readonly Option<int> s_topK = new Option<int>("--top-k") { Description = "block: 64-key blocks kept per query block", DefaultValueFactory = _ => 100 }.AtLeast(1);
    private static readonly Option<int> s_gridBlocks = new Option<int>("--grid-blocks")
    {
        Description = "grid, vlm: 64-key blocks kept per permuted query block (the diagonal, then vertical-line blocks, then the best others); needs --data video",
        DefaultValueFactory = _ => 256,
    }.AtLeast(1);

    private static readonly Option<int> s_boundaryBlocks = new Option<int>("--boundary-blocks")
    {
        Description = "qboundary, kboundary, 2dboundary, vlm: both budgets of a boundary head (64-key blocks per key range); needs --data video",
        DefaultValueFactory = _ => 256,
    }.AtLeast(1);

    private static readonly Option<int[]> s_sequenceLengths = new Option<int[]>("--seq")
    {
        Description = "Sequence length(s); several values give one result per value",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    }.AllAtLeast(1);

    private static readonly Option<int> s_heads = new Option<int>("--heads") { Description = "Query heads", DefaultValueFactory = _ => 32 }.AtLeast(1);
    private static readonly Option<int> s_kvHeads = new Option<int>("--kv-heads") { Description = "Key/value heads (divides --heads)", DefaultValueFactory = _ => 8 }.AtLeast(1);
    private static readonly Option<int> s_headDim = new Option<int>("--head-dim") { Description = $"Head dimension ({AttentionHeadDims.Text})", DefaultValueFactory = _ => 128 }.AtLeast(1);
    private static readonly Option<string> s_dtype = DTypeNames.CreateOption();
    private static readonly Option<string> s_data = CreateDataOption();
    private static readonly Option<int> s_minSequenceLength = new Option<int>("--min-seq")
    {
        Description = "Dense fallback below this length, for every pattern (off by default)",
        DefaultValueFactory = _ => 0,
    }.AtLeast(0);

    private static readonly Option<double> s_maxDensity = CreateMaxDensityOption();
    private static readonly Option<int> s_warmup = new Option<int>("--warmup") { Description = "Untimed layer runs first", DefaultValueFactory = _ => 3 }.AtLeast(0);
    private static readonly Option<int> s_iterations = new Option<int>("--iters") { Description = "Timed runs per measurement (>= 10); medians are reported", DefaultValueFactory = _ => 10 }.AtLeast(10);
    private static readonly Option<bool> s_json = new("--json") { Description = "One JSON object per case on its own line" };
    private static readonly Option<bool> s_graph = new("--graph") { Description = "Also time the layer captured once and replayed as a CUDA graph (ms_graph)" };
    private static readonly Option<string> s_costModel = CreateCostModelOption();

    public static Command Create()
    {
        var command = new Command("sparse", "Time sparse prefill of one layer (every head one pattern: estimation, index, attention) against our dense kernel, with the output's error against it.")
        {
            s_pattern, s_vertical, s_slash, s_sink, s_local, s_topK, s_gridBlocks, s_boundaryBlocks, s_sequenceLengths, s_heads, s_kvHeads, s_headDim, s_dtype, s_data,
            s_minSequenceLength, s_maxDensity, s_costModel, s_warmup, s_iterations, s_graph, s_json,
        }.WithExamples(
            "minference bench sparse --pattern vs --vertical 1000 --slash 6096 --seq 1048576 --heads 1 --kv-heads 1 --data structured",
            "minference bench sparse --pattern ashape --sink 128 --local 4096 --seq 131072 --heads 8 --kv-heads 8 --json",
            "minference bench sparse --pattern grid --grid-blocks 256 --data video --seq 1048576 --heads 2 --kv-heads 1 --json",
            "minference bench sparse --pattern vlm --grid-blocks 256 --boundary-blocks 256 --vertical 4096 --slash 16384 --data video --seq 1048576 --heads 5 --kv-heads 5");
        command.Validators.Add(RejectOptionsOfOtherPatterns);
        command.SetAction(parse => Consoles.Run(() => Run(parse)));
        return command;
    }

    private static ExitCode Run(ParseResult parse)
    {
        // Shapes the kernels reject are reported before the (possibly long) data generation.
        if (parse.GetValue(s_heads) % parse.GetValue(s_kvHeads) != 0)
        {
            throw new ArgumentException($"{s_kvHeads.Name} {parse.GetValue(s_kvHeads)} must divide {s_heads.Name} {parse.GetValue(s_heads)}");
        }

        if (!AttentionHeadDims.IsSupported(parse.GetValue(s_headDim)))
        {
            throw new ArgumentException($"{s_headDim.Name} {parse.GetValue(s_headDim)} is not supported: the kernels take {AttentionHeadDims.Text}");
        }

        string data = parse.GetValue(s_data)!;
        string patternName = parse.GetRequiredValue(s_pattern);
        if (SparseBenchPattern.NeedVideo.Contains(patternName) && data != SparseBenchData.Video)
        {
            throw new ArgumentException($"--pattern {patternName} needs --data {SparseBenchData.Video} (a prompt with video frames; got --data {data})");
        }

        if (data == SparseBenchData.Video)
        {
            foreach (int sequenceLength in parse.GetRequiredValue(s_sequenceLengths))
            {
                _ = SparseBenchData.VideoPrompt(sequenceLength);
            }
        }

        if (!GpuBackend.IsAvailable)
        {
            Consoles.Error.MarkupLineInterpolated($"[red]bench needs the GPU. GPU backend unavailable:[/] {GpuBackend.UnavailableReason}");
            return ExitCode.GpuUnavailable;
        }

        SparseBenchPattern pattern = SparseBenchPattern.Create(
            parse.GetRequiredValue(s_pattern), parse.GetValue(s_vertical), parse.GetValue(s_slash), parse.GetValue(s_sink), parse.GetValue(s_local), parse.GetValue(s_topK), parse.GetValue(s_gridBlocks), parse.GetValue(s_boundaryBlocks));
        var policy = new SparsePrefillOptions
        {
            MinSequenceLength = parse.GetValue(s_minSequenceLength),
            MinEstimatedSequenceLength = parse.GetValue(s_minSequenceLength),
            MaxDensity = parse.GetValue(s_maxDensity),
            CostModel = parse.GetValue(s_costModel) == "h100" ? PrefillCostModel.H100 : PrefillCostModel.SparseAlways,
        };
        bool json = parse.GetValue(s_json);
        using var context = new GpuContext();
        var results = new List<SparseBenchmarkResult>();
        foreach (int sequenceLength in parse.GetRequiredValue(s_sequenceLengths))
        {
            var problem = new AttentionProblem(
                1, parse.GetValue(s_heads), parse.GetValue(s_kvHeads), sequenceLength, parse.GetValue(s_headDim), DTypeNames.Parse(parse.GetValue(s_dtype)), Causal: true);
            // Video data comes with its prompt's modality map, which grid and boundary heads read.
            SparsePrefillOptions policyOfLength = data == SparseBenchData.Video ? policy with { Modalities = SparseBenchData.VideoPrompt(sequenceLength) } : policy;
            var benchCase = new SparseBenchCase(pattern, problem, data, policyOfLength, parse.GetValue(s_warmup), parse.GetValue(s_iterations), parse.GetValue(s_graph));
            SparseBenchmarkResult result = Consoles.WithProgress(report => SparseBenchmark.Measure(context, benchCase, report));
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(result, SparseBenchmarkJsonContext.Default.SparseBenchmarkResult));
            }

            results.Add(result);
        }

        if (!json)
        {
            Consoles.Out.Write(SparseBenchTable.Create(results, context.Device.Name));
        }

        return ExitCode.Success;
    }

    /// <summary>Pattern sizes given on the command line must belong to the chosen pattern.</summary>
    private static void RejectOptionsOfOtherPatterns(CommandResult result)
    {
        // The raw token: the value itself may not convert yet (the option reports that error).
        string? pattern = result.GetResult(s_pattern)?.Tokens is [{ } token, ..] ? token.Value : null;
        (Option<int> Option, string[] Patterns)[] owners =
        [
            (s_vertical, [SparseBenchPattern.VerticalSlash, SparseBenchPattern.VisionLanguage]), (s_slash, [SparseBenchPattern.VerticalSlash, SparseBenchPattern.VisionLanguage]),
            (s_sink, [SparseBenchPattern.AShape]), (s_local, [SparseBenchPattern.AShape]),
            (s_topK, [SparseBenchPattern.BlockSparse]),
            (s_gridBlocks, [SparseBenchPattern.Grid, SparseBenchPattern.VisionLanguage]),
            (s_boundaryBlocks, [SparseBenchPattern.QueryBoundary, SparseBenchPattern.KeyBoundary, SparseBenchPattern.TwoDBoundary, SparseBenchPattern.VisionLanguage]),
        ];
        foreach ((Option<int> option, string[] patterns) in owners)
        {
            if (pattern is not null && result.GetResult(option) is { Implicit: false } && !patterns.Contains(pattern))
            {
                result.AddError($"{option.Name} applies to --pattern {string.Join(" or ", patterns)}, not {pattern}");
            }
        }
    }

    private static Option<string> CreateCostModelOption()
    {
        var option = new Option<string>("--cost-model")
        {
            Description = "sparse-always: every head runs its pattern (the sparse kernels are measured); h100: heads fall back where the H100 cost model predicts dense faster",
            DefaultValueFactory = _ => "sparse-always",
        };
        option.AcceptOnly("sparse-always", "h100");
        return option;
    }

    private static Option<string> CreatePatternOption()
    {
        var option = new Option<string>("--pattern") { Description = "The pattern of every head", Required = true };
        option.AcceptOnly(SparseBenchPattern.Names);
        return option;
    }

    private static Option<string> CreateDataOption()
    {
        var option = new Option<string>("--data")
        {
            Description = "random: N(0, 1); structured: sinks, a local band, diagonals and vertical keys (slower to generate); video: grid heads over 128 text tokens, 16 x 16 frames, text",
            DefaultValueFactory = _ => SparseBenchData.Random,
        };
        option.AcceptOnly(SparseBenchData.Kinds);
        return option;
    }

    private static Option<double> CreateMaxDensityOption()
    {
        var option = new Option<double>("--max-density")
        {
            Description = $"Dense fallback for heads above this density (1: off, the default here; the driver's default is {SparsePrefillOptions.DefaultMaxDensity})",
            DefaultValueFactory = _ => 1,
        };
        return option.Between(0, 1);
    }
}

using System.CommandLine;
using System.Text.Json;
using MInference.Cli.Files;
using MInference.Cli.Prefill;
using MInference.Evaluation;
using MInference.Sparse.Prefill;

namespace MInference.Cli.Demo;

/// <summary>
/// `minference demo`: sparse prefill of a synthetic long-context model against dense, head by head.
/// Runs on the GPU when there is one, otherwise on the CPU reference backend at a size that
/// finishes in seconds; options left out take the defaults of the backend that runs.
/// </summary>
internal static class DemoCommand
{
    private const int GpuLength = 131072;
    private const int CpuLength = 1024;
    public static Command Create()
    {
        var lengths = new Option<int[]>("--seq")
        {
            Description = $"Prompt length(s) in tokens; several values also draw a speedup-vs-length chart [GPU: {GpuLength}, CPU: {CpuLength}]",
            AllowMultipleArgumentsPerToken = true,
        }.AllAtLeast(1);
        var layers = new Option<int>("--layers") { Description = "Layers of the synthetic model", DefaultValueFactory = _ => 4 }.AtLeast(1);
        var heads = new Option<int>("--heads") { Description = "Query heads per layer", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var kvHeads = new Option<int>("--kv-heads") { Description = "Key/value heads per layer (GQA; divides --heads)", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var headDim = new Option<int?>("--head-dim") { Description = $"Head dimension, {AttentionHeadDims.Text} [GPU: 128, CPU: 64]" }.AtLeast(1);
        Option<string> dtype = DTypeNames.CreateOption();
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic model", DefaultValueFactory = _ => 1 }.AnyInteger();
        var config = new Option<string?>("--config") { Description = "Pattern config (MInference JSON, e.g. from `minference search`); default: search on a sample first" };
        var searchLength = new Option<int?>("--search-seq")
        {
            Description = "Length of the prompt the pattern search runs on [the longest --seq: a shorter sample makes the search cheaper, but the noise mass grows with N, so errors at the full length exceed the sample's]",
        }.AtLeast(64);
        Option<double?> budget = SearchBudget.CreateBudgetOption();
        Option<double> maxError = SearchBudget.CreateMaxErrorOption();
        var minSequence = new Option<int?>("--min-seq")
        {
            Description = "Every head runs dense below this length [default 0: the backend's cost model decides]",
        }.AtLeast(0);
        var minEstimated = new Option<int?>("--min-seq-estimated")
        {
            Description = "Vertical-slash and block-sparse heads run dense below this length [default 0: the backend's cost model decides]",
        }.AtLeast(0);
        var maxDensity = new Option<double>("--max-density")
        {
            Description = "A head whose density exceeds this runs dense (measured on the H100: sparse loses above ~0.8)",
            DefaultValueFactory = _ => SparsePrefillOptions.DefaultMaxDensity,
        }.Between(0, 1);
        var plot = new Option<string?>("--plot") { Description = "Directory for PNGs: heat maps of chosen heads (estimated attention beside the kept mask), speedup vs length" };
        var plotHeads = new Option<string>("--plot-heads")
        {
            Description = "Heads to draw: auto (layer 0, one head per kind), all (every head of layer 0), or layer:head list such as 0:1,2:5",
            DefaultValueFactory = _ => "auto",
        };
        var timedRuns = new Option<int>("--timed-runs") { Description = "GPU: timed runs per measurement (median reported)", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of tables" };
        Option<string> backend = BackendChoice.CreateOption();

        var command = new Command("demo", "Sparse prefill of a synthetic long-context model (4 layers × 8 heads, GQA 4:1, heads with sinks, local bands, diagonals, vertical keys, mixtures and one diffuse head) against dense attention: per head the pattern, density, time, error and attention recall; then the end-to-end attention speedup.")
        {
            lengths, layers, heads, kvHeads, headDim, dtype, seed, config, searchLength, budget, maxError, minSequence, minEstimated, maxDensity,
            plot, plotHeads, timedRuns, json, backend,
        }.WithExamples("minference demo", "minference demo --seq 32768 65536 131072 --plot plots", "minference demo --config my-patterns.json --json");
        command.SetAction(parse => Consoles.Run(() =>
        {
            if (parse.GetValue(config) is { } configPath)
            {
                PathChecks.RequireInputFile(config.Name, configPath);
            }

            if (parse.GetValue(plot) is { } plotDirectory)
            {
                PathChecks.RequireOutputDirectory(plot.Name, plotDirectory);
                if (parse.GetValue(plotHeads) is not ("auto" or "all") and { } selection)
                {
                    // Checked now, not when the first picture is drawn after the whole prefill.
                    HeadSelection.Parse(selection, parse.GetValue(layers), parse.GetValue(heads));
                }
            }

            using IPrefillBackend opened = BackendChoice.Open(parse.GetValue(backend), parse.GetValue(timedRuns));
            bool onGpu = opened is GpuPrefillBackend;
            int[] sequenceLengths = parse.GetValue(lengths) is { Length: > 0 } given ? given : [onGpu ? GpuLength : CpuLength];
            int sample = parse.GetValue(searchLength) ?? sequenceLengths.Max();
            var model = new SyntheticModel(
                parse.GetValue(layers), parse.GetValue(heads), parse.GetValue(kvHeads), parse.GetValue(headDim) ?? (onGpu ? 128 : 64),
                DTypeNames.Parse(parse.GetValue(dtype)), parse.GetValue(seed));
            model.Validate();
            var settings = new DemoSettings(
                model, sequenceLengths, parse.GetValue(config), sample,
                parse.GetValue(budget) ?? SearchBudget.DefaultFor(sample), parse.GetValue(maxError),
                new SparsePrefillOptions
                {
                    MinSequenceLength = parse.GetValue(minSequence) ?? 0,
                    MinEstimatedSequenceLength = parse.GetValue(minEstimated) ?? 0,
                    MaxDensity = parse.GetValue(maxDensity),
                },
                parse.GetValue(plot), parse.GetValue(plotHeads)!, parse.GetValue(json));
            DemoResult result = DemoRunner.Run(opened, settings);
            if (settings.Json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(DemoJson.From(result), DemoJsonContext.Default.DemoJson));
            }
            else
            {
                PrefillTables.Print(result.Backend, result.Timing, result.PatternSource, result.Lengths, result.Plots);
            }

            return ExitCode.Success;
        }));
        return command;
    }
}

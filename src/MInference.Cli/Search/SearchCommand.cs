using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MInference.Cli.Files;
using MInference.Cli.Prefill;
using MInference.Cli.Run;
using MInference.Evaluation;
using MInference.Multimodal;
using MInference.Sparse.Config;
using Spectre.Console;

namespace MInference.Cli.Search;

/// <summary>
/// `minference search`: the offline, kernel-aware pattern search over a sample (captured tensors
/// or the synthetic model), written as an MInference pattern config that `run` and `demo --config` read.
/// </summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var input = new Option<string?>("--input") { Description = "Sample tensors (.safetensors, layers.{i}.q|k|v [B, H, N, D]); default: the synthetic model" };
        var output = new Option<string>("--out") { Description = "Where to write the config (MInference JSON)", Required = true };
        var length = new Option<int>("--seq") { Description = "Synthetic sample length in tokens [GPU: 32768, CPU: 2048]", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var layers = new Option<int>("--layers") { Description = "Synthetic model: layers", DefaultValueFactory = _ => 4 }.AtLeast(1);
        var heads = new Option<int>("--heads") { Description = "Synthetic model: query heads per layer", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var kvHeads = new Option<int>("--kv-heads") { Description = "Synthetic model: key/value heads per layer", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var headDim = new Option<int?>("--head-dim") { Description = $"Synthetic model: head dimension, {AttentionHeadDims.Text} [GPU: 128, CPU: 64]" }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Synthetic model: seed", DefaultValueFactory = _ => 1 }.AnyInteger();
        Option<string> dtype = DTypeNames.CreateOption();
        Option<double?> budget = SearchBudget.CreateBudgetOption();
        Option<double> maxError = SearchBudget.CreateMaxErrorOption();
        var json = new Option<bool>("--json") { Description = "Print every head's candidates as JSON instead of the table" };
        Option<string> backend = BackendChoice.CreateOption();
        Option<string> format = ConfigFormatChoice.CreateOption();
        var modalities = new Option<string?>("--modalities")
        {
            Description = "The captured prompt's modality map (JSON: text and video segments, see `minference video --modalities-out`): grid candidates (MMInference) join the search; needs --input and the extended format",
        };
        var command = new Command("search", "Offline, kernel-aware pattern search: every candidate (A-shape, Block-Sparse and Vertical-Slash grids scaled to the sample length) runs on every head through the backend's kernels; within the density budget, the candidate that best reproduces the head's dense output wins (ties go to the cheaper kind); heads nothing reproduces within --max-error stay dense. Writes an MInference pattern config.")
        {
            input, output, length, layers, heads, kvHeads, headDim, seed, dtype, budget, maxError, json, backend, format, modalities,
        }.WithExamples(
            "minference search --out patterns.json",
            "minference search --input video.safetensors --modalities video-map.json --out patterns.json",
            "minference search --input captured.safetensors --budget 0.05 --out patterns.json",
            "minference search --format minference --out patterns.json");
        command.SetAction(parse => Consoles.Run(() =>
        {
            string? inputPath = parse.GetValue(input);
            string outPath = parse.GetRequiredValue(output);
            if (inputPath is not null)
            {
                PathChecks.RequireInputFile(input.Name, inputPath);
            }

            string? modalitiesPath = parse.GetValue(modalities);
            if (modalitiesPath is not null)
            {
                if (inputPath is null)
                {
                    throw new ArgumentException($"{modalities.Name} describes captured tensors: give {input.Name} too");
                }

                if (ConfigFormatChoice.Parse(parse.GetValue(format)) == PatternConfigFormat.MInference)
                {
                    throw new ArgumentException($"{modalities.Name} adds grid heads, which MInference's format cannot hold: use --format extended");
                }

                PathChecks.RequireInputFile(modalities.Name, modalitiesPath);
            }

            PathChecks.RequireOutputFile(output.Name, outPath, (input.Name, inputPath), (modalities.Name, modalitiesPath));
            using IPrefillBackend opened = BackendChoice.Open(parse.GetValue(backend), timedRuns: 1);
            bool onGpu = opened is GpuPrefillBackend;
            using CapturedTensors? captured = inputPath is null ? null : CapturedTensors.Open(inputPath, parse.GetResult(dtype) is null ? null : DTypeNames.Parse(parse.GetValue(dtype)));
            SyntheticModel? model = captured is not null ? null : new SyntheticModel(
                parse.GetValue(layers), parse.GetValue(heads), parse.GetValue(kvHeads), parse.GetValue(headDim) ?? (onGpu ? 128 : 64),
                DTypeNames.Parse(parse.GetValue(dtype)), parse.GetValue(seed));
            model?.Validate();
            int sample = captured?.SequenceLength ?? (parse.GetValue(length) > 0 ? parse.GetValue(length) : onGpu ? 32768 : 2048);
            ModalityMap? map = modalitiesPath is null ? null : CapturedModalities.Load(modalities.Name, modalitiesPath, sample);
            int layerCount = captured?.Layers ?? model!.Layers;
            Func<int, LayerInputs> sampleOfLayer = captured is not null ? captured.ReadLayer : layer => model!.GenerateLayer(layer, sample);
            var options = new PatternSearchOptions { DensityBudget = parse.GetValue(budget) ?? SearchBudget.DefaultFor(sample), MaxRelativeError = parse.GetValue(maxError), Modalities = map };
            options.Validate();
            IReadOnlyList<IReadOnlyList<HeadSearchResult>> results = Consoles.WithProgressBar(
                $"search ({layerCount} layers, {sample} tokens)", layerCount * ModelSearch.UnitsPerLayer(sample, map),
                progress => ModelSearch.Run(opened, layerCount, sampleOfLayer, options, progress));
            // The sample length is the dense-cover length: a dense head written as
            // vertical_and_slash(sample, sample) stays dense at the lengths it was searched on.
            HeadPatternConfig config = PatternSearch.ToConfig(results);
            AtomicFile.Write(outPath, stream => config.Save(stream, ConfigFormatChoice.Parse(parse.GetValue(format)), sample));
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(SearchJson.From(opened.Description, sample, options, outPath, results), SearchJsonContext.Default.SearchJson));
            }
            else
            {
                Print(opened.Description, sample, options, outPath, results, model);
            }

            return ExitCode.Success;
        }));
        return command;
    }

    private static void Print(
        string backend, int sample, PatternSearchOptions options, string outPath, IReadOnlyList<IReadOnlyList<HeadSearchResult>> results, SyntheticModel? model)
    {
        Consoles.Out.MarkupLineInterpolated(
            $"[bold]Backend:[/] {backend}   [bold]sample:[/] {sample} tokens   [bold]budget:[/] density ≤ {options.DensityBudget:P1}, error ≤ {options.MaxRelativeError:P1}");
        var table = new Table().Border(TableBorder.Rounded);
        foreach (string column in (string[])["layer", "head", "kind", "chosen", "density", "rel. L2", "recall", "why"])
        {
            table.AddColumn(column);
        }

        for (int layer = 0; layer < results.Count; layer++)
        {
            foreach (HeadSearchResult head in results[layer])
            {
                table.AddRow(
                    layer.ToString(CultureInfo.InvariantCulture), head.Head.ToString(CultureInfo.InvariantCulture),
                    model is null ? "captured" : SyntheticModel.KindOf(layer, head.Head).Name,
                    Markup.Escape(head.Chosen.ToString()),
                    (head.Score?.Density ?? 1).ToString("P2", CultureInfo.InvariantCulture),
                    (head.Score?.Accuracy.RelativeL2 ?? 0).ToString("P2", CultureInfo.InvariantCulture),
                    (head.Score?.Accuracy.Recall ?? 1).ToString("P2", CultureInfo.InvariantCulture),
                    Markup.Escape(head.Reason));
            }
        }

        Consoles.Out.Write(table);
        Consoles.Out.MarkupLineInterpolated($"[grey]wrote[/] {outPath}");
    }
}

using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using MInference.Cli.Plots;
using MInference.Cli.Prefill;
using MInference.Cli.Run;
using MInference.Decode;

namespace MInference.Cli.Decode;

/// <summary>
/// `minference decode`: trains PQ codebooks on the synthetic model with outlier channels, builds the
/// PQ cache from a prompt, decodes a few steps and reports per head the output error against exact
/// decode and the top-k overlap of the scores, with the cache's compression and the time of a decode
/// step, PQ against dense, per context length (`--plot` charts it). On the GPU (`--backend gpu`, or
/// auto with a usable GPU) the device cache and kernels; on the CPU the references.
/// </summary>
internal static class DecodeCommand
{
    /// <summary>Default context lengths: the GPU's reach further; the CPU's finish in seconds.</summary>
    private static readonly int[] s_gpuLengths = [4096, 16384, 65536];
    private static readonly int[] s_cpuLengths = [1024, 4096];

    public static Command Create()
    {
        Option<string> backend = BackendChoice.CreateOption();
        var lengths = new Option<int[]>("--seq")
        {
            Description = $"Prompt length(s) before the decoded steps; one result per value (default {string.Join(' ', s_gpuLengths)} on the GPU, {string.Join(' ', s_cpuLengths)} on the CPU)",
            AllowMultipleArgumentsPerToken = true,
        }.AllAtLeast(0);
        var heads = new Option<int>("--heads") { Description = "Query heads", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var kvHeads = new Option<int>("--kv-heads") { Description = "Key/value heads (divides --heads)", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var headDim = new Option<int>("--head-dim") { Description = "Head dimension", DefaultValueFactory = _ => 128 }.AtLeast(8);
        var subspaces = new Option<int>("--subspaces") { Description = "PQ sub-vectors per head vector, M: 64 (4 bits per element at head_dim 128) or 32", DefaultValueFactory = _ => 64 }.AcceptOnly("32", "64");
        var window = new Option<int>("--window") { Description = "Recent tokens kept in 16-bit, W", DefaultValueFactory = _ => PqKvCacheOptions.DefaultWindowTokens }.AtLeast(1);
        var steps = new Option<int>("--steps") { Description = "Decode steps after the prompt (errors are their mean)", DefaultValueFactory = _ => 4 }.AtLeast(1);
        var topK = new Option<int>("--top-k") { Description = "k of the score top-k overlap", DefaultValueFactory = _ => 32 }.AtLeast(1);
        var iterations = new Option<int>("--iterations") { Description = "k-means iterations", DefaultValueFactory = _ => 10 }.AtLeast(0);
        var sampleTokens = new Option<int>("--sample-tokens") { Description = "Training tokens per codebook (at least 256)", DefaultValueFactory = _ => 2048 }.AtLeast(PqCodebookOptions.SupportedCentroids);
        var seed = new Option<int>("--seed") { Description = "Seed of the model, the texts and the k-means", DefaultValueFactory = _ => 1 }.AnyInteger();
        var codebooksOut = new Option<string?>("--codebooks-out") { Description = "Also save the trained codebooks to this .safetensors file" };
        var codebooksIn = new Option<string?>("--codebooks") { Description = "Use these codebooks (.safetensors, as --codebooks-out writes) instead of training" };
        var input = new Option<string?>("--input") { Description = "Captured tensors (run's layout: layers.{i}.q/k/v [B, H, N, D]) instead of the synthetic model: sequence 0 of --layer; heads, head_dim and dtype come from the file" };
        var layer = new Option<int>("--layer") { Description = "The layer of --input (and of --codebooks) to decode", DefaultValueFactory = _ => 0 }.AtLeast(0);
        Option<string> dtype = DTypeNames.CreateOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of tables" };
        var plot = new Option<string?>("--plot") { Description = $"Also write {PlotFileNames.DecodeTimeFileName} (time per decode step against context length, PQ and dense) into this directory" };
        var command = new Command("decode", "Product-quantized KV cache (MILLION): train codebooks on the synthetic model, decode steps, report per head the error vs exact decode, and the time of a step, PQ vs dense.")
        {
            backend, lengths, heads, kvHeads, headDim, subspaces, window, steps, topK, iterations, sampleTokens, seed, codebooksOut, codebooksIn, input, layer, dtype, json, plot,
        }.WithExamples(
            "minference decode",
            "minference decode --input captured.safetensors --layer 3 --seq 4096 16000",
            "minference decode --backend cpu --seq 1024 4096 --subspaces 32 --json",
            "minference decode --backend gpu --seq 8192 32768 131072 --heads 32 --kv-heads 8 --plot plots");
        command.SetAction(parse => Consoles.Run(() =>
        {
            string? codebooksPath = parse.GetValue(codebooksOut);
            if (codebooksPath is not null)
            {
                Files.PathChecks.RequireOutputFile(codebooksOut.Name, codebooksPath);
            }

            string? plotDirectory = parse.GetValue(plot);
            if (plotDirectory is not null)
            {
                Files.PathChecks.RequireOutputDirectory(plot.Name, plotDirectory);
            }

            string? codebooksFile = parse.GetValue(codebooksIn);
            if (codebooksFile is not null)
            {
                Files.PathChecks.RequireInputFile(codebooksIn.Name, codebooksFile);
            }

            string? inputFile = parse.GetValue(input);
            if (inputFile is not null)
            {
                Files.PathChecks.RequireInputFile(input.Name, inputFile);
                foreach (Option shaped in new Option[] { heads, kvHeads, headDim, dtype })
                {
                    if (parse.GetResult(shaped) is { Implicit: false })
                    {
                        throw new ArgumentException($"{shaped.Name} comes from --input {inputFile}; leave it out");
                    }
                }
            }

            string? choice = parse.GetValue(backend);
            bool onGpu = choice == BackendChoice.Gpu || (choice == BackendChoice.Auto && GpuBackend.IsAvailable);
            PqCodebooks? loaded = codebooksFile is null ? null : PqCodebooks.Load(codebooksFile);
            int subspaceCount = loaded?.Subspaces ?? parse.GetValue(subspaces);
            if (loaded is not null && parse.GetResult(subspaces) is { Implicit: false } && parse.GetValue(subspaces) != loaded.Subspaces)
            {
                throw new ArgumentException($"--subspaces {parse.GetValue(subspaces)}, but --codebooks {codebooksFile} has M = {loaded.Subspaces}");
            }

            using CapturedTensors? captured = inputFile is null ? null : CapturedTensors.Open(inputFile, dtype: null);
            int[]? given = parse.GetValue(lengths) is { Length: > 0 } values ? values : null;
            int stepCount = parse.GetValue(steps);
            int[] sequenceLengths = given ?? (captured is not null ? [captured.SequenceLength - stepCount] : onGpu ? s_gpuLengths : s_cpuLengths);
            var settings = new DecodeSettings(
                sequenceLengths, captured?.Heads ?? parse.GetValue(heads), captured?.KvHeads ?? parse.GetValue(kvHeads), captured?.HeadDim ?? parse.GetValue(headDim), subspaceCount,
                parse.GetValue(window), stepCount, parse.GetValue(topK), parse.GetValue(iterations), parse.GetValue(sampleTokens),
                captured?.DType ?? DTypeNames.Parse(parse.GetValue(dtype)), parse.GetValue(seed))
            {
                CodebookLayer = loaded is not null && captured is not null ? parse.GetValue(layer) : 0,
            };
            settings.Validate();
            if (onGpu && !AttentionHeadDims.IsSupported(settings.HeadDim))
            {
                throw new ArgumentException($"--head-dim {settings.HeadDim} is not supported by the GPU kernels: they take {AttentionHeadDims.Text}");
            }

            if (captured is not null && settings.Lengths.Max() + settings.Steps > captured.SequenceLength)
            {
                throw new ArgumentException($"--seq {settings.Lengths.Max()} plus --steps {settings.Steps} passes the {captured.SequenceLength} tokens of {inputFile}");
            }

            if (loaded is not null)
            {
                CheckCodebooks(loaded, codebooksFile!, settings);
            }

            DecodeSource source = captured is null
                ? new SyntheticDecodeSource(loaded, codebooksFile)
                : new CapturedDecodeSource(captured, parse.GetValue(layer), loaded, codebooksFile);
            using GpuContext? context = OpenBackend(choice, onGpu);
            PqCodebooks codebooks = source.Codebooks(settings);
            if (codebooksPath is not null)
            {
                codebooks.Save(codebooksPath);
            }

            string backendName = context is null ? BackendChoice.Cpu : BackendChoice.Gpu;
            string backendDescription = context is null ? "cpu (references)" : $"gpu ({context.Device.Name})";
            DecodeLengthResult[] results = Consoles.WithProgress(report => settings.Lengths.Select(length =>
            {
                report($"context {length:N0}: prompt into the caches, {settings.Steps} steps");
                return context is null ? DecodeEvaluation.Run(settings, source, codebooks, length) : GpuDecodeEvaluation.Run(context, settings, source, codebooks, length);
            }).ToArray());
            if (plotDirectory is not null)
            {
                DecodeTimeChart.Write(plotDirectory, settings, results, backendDescription);
            }

            if (parse.GetValue(json))
            {
                var document = new DecodeJson(
                    backendName, source.Description, settings.Heads, settings.KvHeads, settings.HeadDim, settings.Subspaces, settings.Window, settings.Steps, settings.TopK,
                    DTypeNames.ToShortName(settings.DType), settings.Seed, results.Select(DecodeLengthJson.From).ToArray());
                Console.Out.WriteLine(JsonSerializer.Serialize(document, DecodeJsonContext.Default.DecodeJson));
            }
            else
            {
                DecodeTables.Print(backendDescription, source.Description, settings, results);
            }

            return ExitCode.Success;
        }));
        return command;
    }

    /// <summary>Loaded codebooks must fit the data: kv heads, head_dim, and the layer the caches use.</summary>
    private static void CheckCodebooks(PqCodebooks codebooks, string path, DecodeSettings settings)
    {
        if (codebooks.KvHeads != settings.KvHeads || codebooks.HeadDim != settings.HeadDim)
        {
            throw new ArgumentException(
                $"--codebooks {path} are for {codebooks.KvHeads} kv heads of head_dim {codebooks.HeadDim}; the data has {settings.KvHeads} of {settings.HeadDim}");
        }

        if (settings.CodebookLayer >= codebooks.Layers && codebooks.Granularity != PqCodebookGranularity.Shared)
        {
            throw new ArgumentException($"--layer {settings.CodebookLayer}: --codebooks {path} has layers 0 to {codebooks.Layers - 1}");
        }
    }

    /// <summary>A GPU context for gpu (or auto with a usable GPU), null for the CPU references; says on standard error why auto fell back.</summary>
    /// <exception cref="GpuUnavailableException">gpu was asked for and there is none.</exception>
    private static GpuContext? OpenBackend(string? choice, bool onGpu)
    {
        if (onGpu)
        {
            return new GpuContext();
        }

        if (choice == BackendChoice.Auto)
        {
            BackendChoice.ReportFallback();
        }

        return null;
    }
}

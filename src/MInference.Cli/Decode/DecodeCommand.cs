using System.CommandLine;
using System.Text.Json;
using MInference.Decode;

namespace MInference.Cli.Decode;

/// <summary>
/// `minference decode`: trains PQ codebooks on the synthetic model with outlier channels, builds the
/// PQ cache from a prompt, decodes a few steps and reports per head the output error against exact
/// decode and the top-k overlap of the scores, with the cache's compression. CPU references only for
/// now (`--backend cpu`); the GPU kernels come with their own backend.
/// </summary>
internal static class DecodeCommand
{
    private const string CpuBackend = "cpu";

    public static Command Create()
    {
        var backend = new Option<string>("--backend") { Description = "Where to compute: cpu (the reference; the GPU kernels are not built yet)", DefaultValueFactory = _ => CpuBackend }.AcceptOnly(CpuBackend);
        var lengths = new Option<int[]>("--seq")
        {
            Description = "Prompt length(s) before the decoded steps; one result per value",
            DefaultValueFactory = _ => [1024, 4096],
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
        Option<string> dtype = DTypeNames.CreateOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of tables" };
        var command = new Command("decode", "Product-quantized KV cache (MILLION): train codebooks on the synthetic model, decode steps, report error vs exact decode per head.")
        {
            backend, lengths, heads, kvHeads, headDim, subspaces, window, steps, topK, iterations, sampleTokens, seed, codebooksOut, dtype, json,
        }.WithExamples(
            "minference decode --backend cpu",
            "minference decode --backend cpu --seq 1024 4096 --subspaces 32 --json");
        command.SetAction(parse => Consoles.Run(() =>
        {
            var settings = new DecodeSettings(
                parse.GetRequiredValue(lengths), parse.GetValue(heads), parse.GetValue(kvHeads), parse.GetValue(headDim), parse.GetValue(subspaces),
                parse.GetValue(window), parse.GetValue(steps), parse.GetValue(topK), parse.GetValue(iterations), parse.GetValue(sampleTokens), DTypeNames.Parse(parse.GetValue(dtype)), parse.GetValue(seed));
            settings.Validate();
            string? codebooksPath = parse.GetValue(codebooksOut);
            if (codebooksPath is not null)
            {
                Files.PathChecks.RequireOutputFile(codebooksOut.Name, codebooksPath);
            }

            PqCodebooks codebooks = DecodeEvaluation.Train(settings);
            if (codebooksPath is not null)
            {
                codebooks.Save(codebooksPath);
            }

            DecodeLengthResult[] results = settings.Lengths.Select(length => DecodeEvaluation.Run(settings, codebooks, length)).ToArray();
            if (parse.GetValue(json))
            {
                var document = new DecodeJson(
                    CpuBackend, settings.Heads, settings.KvHeads, settings.HeadDim, settings.Subspaces, settings.Window, settings.Steps, settings.TopK,
                    DTypeNames.ToShortName(settings.DType), settings.Seed, results.Select(DecodeLengthJson.From).ToArray());
                Console.Out.WriteLine(JsonSerializer.Serialize(document, DecodeJsonContext.Default.DecodeJson));
            }
            else
            {
                DecodeTables.Print(settings, results);
            }

            return ExitCode.Success;
        }));
        return command;
    }
}

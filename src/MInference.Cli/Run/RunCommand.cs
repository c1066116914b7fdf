using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MInference.Cli.Demo;
using MInference.Cli.Files;
using MInference.Cli.Prefill;
using MInference.Evaluation;
using MInference.IO;
using MInference.Multimodal;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Cli.Run;

/// <summary>
/// `minference run`: sparse prefill and dense attention on captured q, k, v (a .safetensors file),
/// every head with its pattern from a config; prints per-head timing and error and writes the outputs.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "Captured tensors: layers.{i}.q, .k, .v as [B, H, N, D] (k, v: [B, Hkv, N, D]), BF16, F16 or F32", Required = true };
        var config = new Option<string>("--config") { Description = "Pattern config (MInference JSON: one object per layer, head → [pattern, a, b, score])", Required = true };
        var output = new Option<string?>("--output")
        {
            Description = "Write layers.{i}.o (sparse), layers.{i}.o_dense (dtype) and layers.{i}.lse, layers.{i}.lse_dense (F32) to this .safetensors file",
        };
        var dtype = new Option<string?>("--dtype") { Description = "Compute dtype, bf16 or fp16 [from q: F16 → fp16, otherwise bf16]" };
        dtype.AcceptOnly("bf16", "fp16");
        var minSequence = new Option<int>("--min-seq")
        {
            Description = "Every head runs dense below this length (default 0: the backend's cost model decides)",
            DefaultValueFactory = _ => 0,
        }.AtLeast(0);
        var minEstimated = new Option<int>("--min-seq-estimated")
        {
            Description = "Vertical-slash and block-sparse heads run dense below this length (default 0: the backend's cost model decides)",
            DefaultValueFactory = _ => 0,
        }.AtLeast(0);
        var maxDensity = new Option<double>("--max-density") { Description = "A head whose density exceeds this runs dense", DefaultValueFactory = _ => SparsePrefillOptions.DefaultMaxDensity }.Between(0, 1);
        var timedRuns = new Option<int>("--timed-runs") { Description = "GPU: timed runs per measurement (median reported)", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of tables" };
        Option<string> backend = BackendChoice.CreateOption();
        var modalities = new Option<string?>("--modalities")
        {
            Description = "The captured prompt's modality map (JSON: text and video segments, see `minference video --modalities-out`); grid heads take their candidate strides from its videos [all text]",
        };
        var command = new Command("run", "Run sparse prefill (each head with its configured pattern) and dense attention on tensors captured from your model, print per-head timing, density, recall and error against dense, and optionally write the outputs.")
        {
            input, config, output, dtype, minSequence, minEstimated, maxDensity, timedRuns, json, backend, modalities,
        }.WithExamples("minference generate --out sample.safetensors", "minference search --input sample.safetensors --out patterns.json", "minference run --input sample.safetensors --config patterns.json --output out.safetensors");
        command.SetAction(parse => Consoles.Run(() =>
        {
            string inputPath = parse.GetRequiredValue(input);
            string configPath = parse.GetRequiredValue(config);
            string? outputPath = parse.GetValue(output);
            PathChecks.RequireInputFile(input.Name, inputPath);
            PathChecks.RequireInputFile(config.Name, configPath);
            string? modalitiesPath = parse.GetValue(modalities);
            if (modalitiesPath is not null)
            {
                PathChecks.RequireInputFile(modalities.Name, modalitiesPath);
            }

            if (outputPath is not null)
            {
                PathChecks.RequireOutputFile(output.Name, outputPath, (input.Name, inputPath), (config.Name, configPath), (modalities.Name, modalitiesPath));
            }

            string? dtypeName = parse.GetValue(dtype);
            using CapturedTensors captured = CapturedTensors.Open(inputPath, dtypeName is null ? null : DTypeNames.Parse(dtypeName));
            HeadPatternConfig patterns = HeadPatternConfig.Load(configPath, captured.Layers, captured.Heads);
            ModalityMap? map = modalitiesPath is null ? null : CapturedModalities.Load(modalities.Name, modalitiesPath, captured.SequenceLength);
            var policy = new SparsePrefillOptions
            {
                MinSequenceLength = parse.GetValue(minSequence), MinEstimatedSequenceLength = parse.GetValue(minEstimated), MaxDensity = parse.GetValue(maxDensity), Modalities = map,
            };
            using IPrefillBackend opened = BackendChoice.Open(parse.GetValue(backend), parse.GetValue(timedRuns));
            var writer = outputPath is null ? null : new SafetensorsWriter();
            var layers = new List<LayerReport>();
            Consoles.WithProgressBar("run", captured.Layers, progress =>
            {
                for (int layerIndex = 0; layerIndex < captured.Layers; layerIndex++)
                {
                    progress.Describe($"layer {layerIndex}");
                    LayerInputs inputs = captured.ReadLayer(layerIndex);
                    using IPrefillLayer layer = opened.Load(inputs);
                    HeadPattern[] headPatterns = [.. patterns.GetLayer(layerIndex).Select(entry => entry.Pattern)];
                    (LayerReport report, LayerRun dense, LayerRun sparse) = LayerEvaluation.Run(layer, layerIndex, headPatterns, policy, _ => ("captured", true));
                    layers.Add(report);
                    if (writer is not null)
                    {
                        long[] rows = [inputs.BatchSize, inputs.Heads, inputs.SequenceLength];
                        writer.Add(TensorFiles.HalfTensor(CapturedTensors.Name(layerIndex, "o"), sparse.Output, inputs.OutputLayout, inputs.DType));
                        writer.Add(TensorFiles.HalfTensor(CapturedTensors.Name(layerIndex, "o_dense"), dense.Output, inputs.OutputLayout, inputs.DType));
                        writer.Add(SafetensorsTensor.FromSingle(CapturedTensors.Name(layerIndex, "lse"), rows, sparse.LogSumExp));
                        writer.Add(SafetensorsTensor.FromSingle(CapturedTensors.Name(layerIndex, "lse_dense"), rows, dense.LogSumExp));
                    }

                    progress.Advance();
                }

                return 0;
            });

            if (writer is not null && outputPath is not null)
            {
                writer.SetMetadata("input", captured.Path);
                writer.SetMetadata("config", configPath);
                writer.SetMetadata("backend", opened.Description);
                writer.Write(outputPath);
            }

            var length = new LengthResult(captured.SequenceLength, layers);
            string source = $"config file {configPath}";
            IReadOnlyList<string> written = outputPath is null ? [] : [outputPath];
            if (parse.GetValue(json))
            {
                var document = new RunJson(opened.Description, opened.TimingMethod, captured.Path, source, DemoLengthJson.From(length), outputPath);
                Console.Out.WriteLine(JsonSerializer.Serialize(document, RunJsonContext.Default.RunJson));
            }
            else
            {
                PrefillTables.Print(opened.Description, opened.TimingMethod, source, [length], written);
            }

            return ExitCode.Success;
        }));
        return command;
    }
}

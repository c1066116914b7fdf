using MInference.Cli.Files;
using MInference.Cli.Prefill;
using Spectre.Console;
using System.CommandLine;
using System.Globalization;
using MInference.Evaluation;
using MInference.IO;

namespace MInference.Cli.Run;

/// <summary>
/// `minference generate`: writes the synthetic model's q, k, v in the layout `run` and `search`
/// read (layers.{i}.q|k|v, [B, H, N, D]), so the captured-tensor workflow can be tried without a model.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "The .safetensors file to write", Required = true };
        var length = new Option<int>("--seq") { Description = "Tokens", DefaultValueFactory = _ => 4096 }.AtLeast(1);
        var layers = new Option<int>("--layers") { Description = "Layers", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var heads = new Option<int>("--heads") { Description = "Query heads per layer", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var kvHeads = new Option<int>("--kv-heads") { Description = "Key/value heads per layer", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var headDim = new Option<int>("--head-dim") { Description = $"Head dimension, {AttentionHeadDims.Text}", DefaultValueFactory = _ => 64 }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 1 }.AnyInteger();
        Option<string> dtype = DTypeNames.CreateOption();
        var command = new Command("generate", "Write the synthetic model's q, k, v to a .safetensors file in the layout `run` and `search` read.")
        {
            output, length, layers, heads, kvHeads, headDim, seed, dtype,
        }.WithExamples("minference generate --out sample.safetensors --seq 4096 --layers 2");
        command.SetAction(parse => Consoles.Run(() =>
        {
            string path = parse.GetRequiredValue(output);
            PathChecks.RequireOutputFile(output.Name, path);
            var model = new SyntheticModel(
                parse.GetValue(layers), parse.GetValue(heads), parse.GetValue(kvHeads), parse.GetValue(headDim), DTypeNames.Parse(parse.GetValue(dtype)), parse.GetValue(seed));
            model.Validate();
            int n = parse.GetValue(length);
            var writer = new SafetensorsWriter();
            Consoles.WithProgressBar("generating", model.Layers, progress =>
            {
                for (int layer = 0; layer < model.Layers; layer++)
                {
                    LayerInputs inputs = model.GenerateLayer(layer, n);
                    foreach ((string name, ReadOnlyHostTensor tensor) in (ReadOnlySpan<(string, ReadOnlyHostTensor)>)[("q", inputs.Q), ("k", inputs.K), ("v", inputs.V)])
                    {
                        writer.Add(TensorFiles.HalfTensor(CapturedTensors.Name(layer, name), tensor.Data.Span, tensor.Layout, model.DType));
                    }

                    progress.Advance();
                }

                return 0;
            });
            writer.SetMetadata("generator", "minference generate (synthetic long-context model)");
            writer.SetMetadata("head_kinds", string.Join(";", Enumerable.Range(0, model.Layers).Select(layer =>
                string.Join(",", Enumerable.Range(0, model.Heads).Select(head => SyntheticModel.KindOf(layer, head).Name)))));
            writer.SetMetadata("seed", model.Seed.ToString(CultureInfo.InvariantCulture));
            writer.Write(path);
            Consoles.Out.WriteLine($"wrote {path}: {model.Layers} layers of q [1, {model.Heads}, {n}, {model.HeadDim}] and k, v [1, {model.KvHeads}, {n}, {model.HeadDim}] ({DTypeNames.ToShortName(model.DType)})");
            return ExitCode.Success;
        }));
        return command;
    }
}

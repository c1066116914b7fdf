using System.Text.Json.Serialization;
using MInference.Cli.Prefill;

namespace MInference.Cli.Demo;

/// <summary>The demo's `--json` document.</summary>
internal sealed record DemoJson(
    string Backend, string Timing, DemoModelJson Model, string PatternSource, IReadOnlyList<DemoLengthJson> Lengths, IReadOnlyList<string> Plots)
{
    public static DemoJson From(DemoResult result) => new(
        result.Backend,
        result.Timing,
        new DemoModelJson(result.Model.Layers, result.Model.Heads, result.Model.KvHeads, result.Model.HeadDim, DTypeNames.ToShortName(result.Model.DType), result.Model.Seed),
        result.PatternSource,
        [.. result.Lengths.Select(DemoLengthJson.From)],
        result.Plots);
}

/// <summary>The synthetic model's shape.</summary>
internal sealed record DemoModelJson(int Layers, int Heads, int KvHeads, int HeadDim, string Dtype, int Seed);

/// <summary>One length: totals, the structured heads' accuracy, layers and heads.</summary>
internal sealed record DemoLengthJson(
    int Seq, double DenseMs, double SparseMs, double Speedup, double Density,
    double StructuredRelL2Mean, double StructuredRelL2Max, double StructuredRecallMin,
    IReadOnlyList<DemoLayerJson> Layers, IReadOnlyList<HeadReport> Heads)
{
    public static DemoLengthJson From(LengthResult length)
    {
        HeadReport[] structured = [.. length.StructuredHeads];
        return new(
            length.SequenceLength, length.DenseMilliseconds, length.SparseMilliseconds, length.Speedup, length.Density,
            structured.Length == 0 ? 0 : structured.Average(head => head.RelativeL2),
            structured.Length == 0 ? 0 : structured.Max(head => head.RelativeL2),
            structured.Length == 0 ? 1 : structured.Min(head => head.Recall),
            [.. length.Layers.Select(layer => new DemoLayerJson(layer.Layer, layer.DenseMilliseconds, layer.SparseMilliseconds, layer.Speedup))],
            [.. length.Heads]);
    }
}

/// <summary>One layer's measured times.</summary>
internal sealed record DemoLayerJson(int Layer, double DenseMs, double SparseMs, double Speedup);

/// <summary>Source-generated JSON for the demo, snake_case, indented.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(DemoJson))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;

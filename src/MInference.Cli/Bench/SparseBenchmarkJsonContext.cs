using System.Text.Json.Serialization;

namespace MInference.Cli.Bench;

/// <summary>Source-generated JSON for `bench sparse` results: one compact object per line.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SparseBenchmarkResult))]
internal sealed partial class SparseBenchmarkJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace MInference.Cli.Bench;

/// <summary>Source-generated JSON for benchmark results: one compact object per line.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DenseBenchmarkResult))]
[JsonSerializable(typeof(DecodeBenchmarkResult))]
[JsonSerializable(typeof(DecodeOverlapResult))]
[JsonSerializable(typeof(SlaBenchmarkResult))]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;
using MInference.Cli.Demo;

namespace MInference.Cli.Run;

/// <summary>`run --json`: where the tensors came from, the result (as the demo reports a length), and the output file.</summary>
internal sealed record RunJson(string Backend, string Timing, string Input, string PatternSource, DemoLengthJson Result, string? Output);

/// <summary>Source-generated JSON for `run --json`.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(RunJson))]
internal sealed partial class RunJsonContext : JsonSerializerContext;

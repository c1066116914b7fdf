using System.Text.Json;
using MInference.Cli.Bench;

namespace MInference.Tests.Cli;

/// <summary>The `bench sla --json` row: the documented snake_case fields, with the backward's times present as null until the backward exists.</summary>
public sealed class SlaBenchJsonTests
{
    [Test]
    public void ARowHasTheDocumentedFields()
    {
        var row = new SlaBenchmarkResult(
            "sla", 1, 32760, 12, 128, "bf16", 0.05, 0.10, 25, 51, "softmax", "marginal", 1.5, 9.0, 7.5, null, 40.0, null, 0.2, "NVIDIA H100", "sm90a");
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(row, BenchmarkJsonContext.Default.SlaBenchmarkResult));
        string[] names = [.. json.RootElement.EnumerateObject().Select(property => property.Name)];
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.SupersetOf(new[]
            {
                "op", "seq", "heads", "head_dim", "critical", "negligible", "ms_mask", "ms_fwd", "ms_attention", "dense_fwd_ms", "rel_l2", "device", "ms_bwd", "dense_bwd_ms",
            }));
            Assert.That(json.RootElement.GetProperty("op").GetString(), Is.EqualTo("sla"));
            Assert.That(json.RootElement.GetProperty("ms_bwd").ValueKind, Is.EqualTo(JsonValueKind.Null), "no backward yet");
            Assert.That(json.RootElement.GetProperty("dense_bwd_ms").ValueKind, Is.EqualTo(JsonValueKind.Null), "no backward yet");
        });
    }
}

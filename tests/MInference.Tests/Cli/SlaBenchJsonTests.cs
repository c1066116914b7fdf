using System.Text.Json;
using MInference.Cli.Bench;

namespace MInference.Tests.Cli;

/// <summary>The `bench sla --json` row: the documented snake_case fields.</summary>
public sealed class SlaBenchJsonTests
{
    [Test]
    public void ARowHasTheDocumentedFields()
    {
        var row = new SlaBenchmarkResult(
            "sla", 1, 32760, 12, 128, "bf16", 0.05, 0.10, 25, 51, "softmax", "marginal", 1.5, 9.0, 7.5, 20.0, 40.0, 100.0, 330.0, 123456789, 0.2, "NVIDIA H100", "sm90a");
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(row, BenchmarkJsonContext.Default.SlaBenchmarkResult));
        string[] names = [.. json.RootElement.EnumerateObject().Select(property => property.Name)];
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.SupersetOf(new[]
            {
                "op", "seq", "heads", "head_dim", "critical", "negligible", "ms_mask", "ms_fwd", "ms_attention", "dense_fwd_ms", "rel_l2", "device", "ms_bwd", "dense_bwd_ms",
                "dense_bwd_tflops", "bwd_workspace_bytes",
            }));
            Assert.That(json.RootElement.GetProperty("op").GetString(), Is.EqualTo("sla"));
            Assert.That(json.RootElement.GetProperty("ms_bwd").GetDouble(), Is.EqualTo(20.0));
            Assert.That(json.RootElement.GetProperty("bwd_workspace_bytes").GetInt64(), Is.EqualTo(123456789));
        });
    }
}

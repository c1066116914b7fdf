using System.Text.Json;
using MInference.Tests.Gpu;

namespace MInference.Tests.Cli;

/// <summary>`decode --backend gpu`: the device cache and kernels give the CPU references' errors on the same data and codebooks.</summary>
[NonParallelizable]
public sealed class DecodeCommandGpuTests : GpuFixture
{
    private static readonly string[] s_small =
        ["decode", "--seq", "0", "300", "1000", "--heads", "4", "--kv-heads", "2", "--head-dim", "64", "--subspaces", "32", "--steps", "3", "--iterations", "2", "--sample-tokens", "256", "--top-k", "8", "--json"];

    [Test]
    public void GpuBackendMatchesTheCpuReferences()
    {
        JsonElement gpu = CliRun.Json([.. s_small, "--backend", "gpu"]);
        JsonElement cpu = CliRun.Json([.. s_small, "--backend", "cpu"]);
        JsonElement[] gpuLengths = [.. gpu.GetProperty("lengths").EnumerateArray()];
        JsonElement[] cpuLengths = [.. cpu.GetProperty("lengths").EnumerateArray()];
        Assert.That(gpu.GetProperty("backend").GetString(), Is.EqualTo("gpu"));
        Assert.Multiple(() =>
        {
            for (int i = 0; i < cpuLengths.Length; i++)
            {
                foreach (string field in new[] { "seq", "coded_tokens", "window_tokens" })
                {
                    Assert.That(gpuLengths[i].GetProperty(field).GetInt32(), Is.EqualTo(cpuLengths[i].GetProperty(field).GetInt32()), field);
                }

                // Both compare PQ against exact decode; the GPU's outputs are rounded to 16 bits and its
                // softmax is fp32 where the references are double: the errors agree to about 1e-2 of the
                // output norm (the 16-bit rounding of both outputs, 2^-8 each for bf16, twice).
                Assert.That(
                    gpuLengths[i].GetProperty("mean_relative_l2").GetDouble(),
                    Is.EqualTo(cpuLengths[i].GetProperty("mean_relative_l2").GetDouble()).Within(0.015),
                    $"seq {cpuLengths[i].GetProperty("seq").GetInt32()}");
                Assert.That(
                    gpuLengths[i].GetProperty("mean_uniform_relative_l2").GetDouble(),
                    Is.EqualTo(cpuLengths[i].GetProperty("mean_uniform_relative_l2").GetDouble()).Within(0.015),
                    "the baseline is a CPU reference on both backends; only the exact output it is compared with differs");
                Assert.That(
                    gpuLengths[i].GetProperty("mean_top_k_overlap").GetDouble(),
                    Is.EqualTo(cpuLengths[i].GetProperty("mean_top_k_overlap").GetDouble()).Within(0.05));
                Assert.That(gpuLengths[i].GetProperty("ms_pq_step").GetDouble(), Is.GreaterThan(0));
            }
        });
    }

    [Test]
    public void CapturedTensorsOnTheGpuMatchTheCpuReferences()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"minference-decode-gpu-input-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            string input = Path.Combine(directory, "captured.safetensors");
            (int generated, string output) = CliRun.Invoke("generate", "--out", input, "--seq", "1100", "--layers", "1", "--heads", "4", "--kv-heads", "2", "--head-dim", "128");
            Assert.That(generated, Is.Zero, output);
            string[] args = ["decode", "--input", input, "--seq", "300", "1000", "--steps", "3", "--iterations", "2", "--sample-tokens", "256", "--json"];
            JsonElement gpu = CliRun.Json([.. args, "--backend", "gpu"]);
            JsonElement cpu = CliRun.Json([.. args, "--backend", "cpu"]);
            Assert.Multiple(() =>
            {
                for (int i = 0; i < 2; i++)
                {
                    JsonElement g = gpu.GetProperty("lengths")[i], c = cpu.GetProperty("lengths")[i];
                    Assert.That(g.GetProperty("coded_tokens").GetInt32(), Is.EqualTo(c.GetProperty("coded_tokens").GetInt32()));
                    // As for the synthetic model: 16-bit outputs and fp32 softmax against double references.
                    Assert.That(g.GetProperty("mean_relative_l2").GetDouble(), Is.EqualTo(c.GetProperty("mean_relative_l2").GetDouble()).Within(0.015));
                }
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

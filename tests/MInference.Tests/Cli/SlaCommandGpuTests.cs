using System.Text.Json;
using MInference.Cli.Plots;
using MInference.Tests.Gpu;
using MInference.Tests.Plots;

namespace MInference.Tests.Cli;

/// <summary>`minference sla` on the GPU backend (no --cpu), bidirectional and causal, against the CPU backend's run on the same latent.</summary>
[NonParallelizable]
public sealed class SlaCommandGpuTests : GpuFixture
{
    private static readonly string[] s_small = ["sla", "--seq", "256", "--heads", "2", "--fit-steps", "5", "--negligible", "0.25", "--seed", "3"];

    [TestCase(false)]
    [TestCase(true)]
    public void GpuRunHasTheCpuRunsClassesAndErrors(bool causal)
    {
        string[] arguments = causal ? [.. s_small, "--causal"] : s_small;
        JsonElement gpu = CliRun.Json(arguments);
        JsonElement cpu = CliRun.Json([.. arguments, "--cpu"]);
        JsonElement[] gpuHeads = [.. gpu.GetProperty("head_results").EnumerateArray()];
        JsonElement[] cpuHeads = [.. cpu.GetProperty("head_results").EnumerateArray()];
        double[] curve = [.. gpu.GetProperty("error_curve").EnumerateArray().Select(value => value.GetDouble())];
        Assert.Multiple(() =>
        {
            Assert.That(gpu.GetProperty("backend").GetString(), Is.EqualTo("gpu"));
            Assert.That(gpu.GetProperty("causal").GetBoolean(), Is.EqualTo(causal));
            Assert.That(gpu.GetProperty("timings").GetProperty("clock").GetString(), Is.EqualTo("cuda-events"));
            Assert.That(gpuHeads, Has.Length.EqualTo(cpuHeads.Length));
            for (int head = 0; head < cpuHeads.Length; head++)
            {
                foreach (string field in new[] { "critical", "marginal", "negligible" })
                {
                    Assert.That(gpuHeads[head].GetProperty(field).GetInt64(), Is.EqualTo(cpuHeads[head].GetProperty(field).GetInt64()), $"head {head} {field}");
                }

                // Proj = 0: both outputs are the critical branch alone against dense attention; the GPU's
                // operands and outputs are 16-bit (bf16: 2^-8 relative each), the CPU's double, so the
                // errors agree to about 1e-2 of the output norm.
                Assert.That(
                    gpuHeads[head].GetProperty("rel_l2_sparse").GetDouble(),
                    Is.EqualTo(cpuHeads[head].GetProperty("rel_l2_sparse").GetDouble()).Within(0.015),
                    $"head {head}");
            }

            Assert.That(curve[^1], Is.LessThan(curve[0]), "fitting Proj lowers the error on the GPU too");
        });
    }

    [Test]
    public void CausalWithEveryVisibleBlockCriticalIsCausalAttention()
    {
        using var directory = new TempDirectory();
        string path = directory.File("causal.png");
        JsonElement json = CliRun.Json(["sla", "--causal", "--seq", "256", "--heads", "2", "--fit-steps", "0", "--critical", "1", "--negligible", "0", "--plot", path]);
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("backend").GetString(), Is.EqualTo("gpu"));
            foreach (JsonElement head in json.GetProperty("head_results").EnumerateArray())
            {
                // bf16 operands and output against causal dense attention on the same operands (also
                // bf16 out): the two kernels round differently, a few 2^-9 relative.
                Assert.That(head.GetProperty("rel_l2_sparse").GetDouble(), Is.LessThan(1e-2));
                Assert.That(head.GetProperty("critical").GetInt64(), Is.EqualTo(10), "4 × 4 blocks: the 10 at or below the diagonal");
            }
        });
        float cell = BlockClassPlot.MatrixArea.Width / 4;
        Assert.That(
            PngImage.PixelAt(path, BlockClassPlot.MatrixArea.Left + (3 * cell) + (cell / 2), BlockClassPlot.MatrixArea.Top + (cell / 2)),
            Is.EqualTo(BlockClassPlot.FutureColor), "block (0, 3) lies past the diagonal");
    }
}

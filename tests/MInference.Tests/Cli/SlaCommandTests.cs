using System.Text.Json;
using MInference.Cli.Plots;
using MInference.Tests.Plots;

namespace MInference.Tests.Cli;

/// <summary>`minference sla` end to end on the CPU backend (--cpu: the same path as on a machine without a GPU).</summary>
[NonParallelizable]
public sealed class SlaCommandTests
{
    private static readonly string[] s_small = ["sla", "--cpu", "--seq", "256", "--heads", "2", "--fit-steps", "5", "--negligible", "0.25", "--seed", "3"];

    [Test]
    public void JsonReportsTheClassesOfEveryHeadAndAFallingError()
    {
        JsonElement json = CliRun.Json(s_small);
        JsonElement[] heads = [.. json.GetProperty("head_results").EnumerateArray()];
        double[] curve = [.. json.GetProperty("error_curve").EnumerateArray().Select(value => value.GetDouble())];
        TestContext.Out.WriteLine($"error curve: {string.Join(" ", curve.Select(error => error.ToString("P2")))}");
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("backend").GetString(), Is.EqualTo("cpu"));
            Assert.That(json.GetProperty("seq").GetInt32(), Is.EqualTo(256));
            Assert.That((json.GetProperty("frames").GetInt32(), json.GetProperty("height").GetInt32(), json.GetProperty("width").GetInt32()), Is.EqualTo((4, 8, 8)));
            Assert.That(json.GetProperty("blocks").GetInt32(), Is.EqualTo(4));
            Assert.That(json.GetProperty("critical_blocks_per_row").GetInt32(), Is.EqualTo(1), "⌊0.05 · 4⌋, at least one");
            Assert.That(json.GetProperty("negligible_blocks_per_row").GetInt32(), Is.EqualTo(1), "⌊0.25 · 4⌋");
            Assert.That(heads, Has.Length.EqualTo(2));
            foreach (JsonElement head in heads)
            {
                Assert.That(head.GetProperty("critical").GetInt64(), Is.EqualTo(4));
                Assert.That(head.GetProperty("marginal").GetInt64(), Is.EqualTo(8));
                Assert.That(head.GetProperty("negligible").GetInt64(), Is.EqualTo(4));
                Assert.That(head.GetProperty("critical_share").GetDouble(), Is.EqualTo(0.25));
                Assert.That(head.GetProperty("rel_l2_fitted").GetDouble(), Is.LessThan(head.GetProperty("rel_l2_sparse").GetDouble()), "fitting Proj helps every head");
            }

            Assert.That(curve, Has.Length.EqualTo(6), "before each of 5 steps and after the last");
            Assert.That(curve[^1], Is.LessThan(curve[0]), "the error falls");
            Assert.That(curve[0], Is.GreaterThan(0.0));
            JsonElement timings = json.GetProperty("timings");
            Assert.That(timings.GetProperty("clock").GetString(), Is.EqualTo("cpu-wall-clock"));
            Assert.That(timings.GetProperty("sla_fwd_ms").GetDouble(), Is.GreaterThan(0.0));
            Assert.That(timings.GetProperty("dense_bwd_ms").GetDouble(), Is.GreaterThan(0.0));
            Assert.That(json.GetProperty("plot").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }

    [Test]
    public void TheTablesAndThePictureOfAHeadsBlockClasses()
    {
        using var directory = new TempDirectory();
        string path = directory.File("mask.png");
        (int exitCode, string output) = CliRun.Invoke([.. s_small, "--plot", path, "--plot-head", "1"]);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output, Does.Contain("critical").And.Contain("marginal").And.Contain("negligible"));
            Assert.That(output, Does.Contain("rel. L2 (fitted)").And.Contain("fitting Proj").And.Contain("CPU, wall clock"));
            Assert.That(output, Does.Contain($"wrote {path}"));
        });
        PngImage.AssertPng(path, BlockClassPlot.Width, BlockClassPlot.Height);
        // Block (0, 0): a frame's own block is its most critical one.
        float cell = BlockClassPlot.MatrixArea.Width / 4;
        Assert.That(PngImage.PixelAt(path, BlockClassPlot.MatrixArea.Left + (cell / 2), BlockClassPlot.MatrixArea.Top + (cell / 2)), Is.EqualTo(BlockClassPlot.CriticalColor));
    }

    [Test]
    public void CausalRunsOnTheCpuAndDrawsTheFutureApart()
    {
        using var directory = new TempDirectory();
        string path = directory.File("causal.png");
        JsonElement json = CliRun.Json(["sla", "--cpu", "--causal", "--seq", "256", "--heads", "2", "--fit-steps", "2", "--negligible", "0.25", "--plot", path]);
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("backend").GetString(), Is.EqualTo("cpu"));
            Assert.That(json.GetProperty("causal").GetBoolean(), Is.True);
            foreach (JsonElement head in json.GetProperty("head_results").EnumerateArray())
            {
                // 4 × 4 blocks: k_h 5 % of at most 4 visible blocks rounds down to 0, so each row's diagonal alone is critical.
                Assert.That(head.GetProperty("critical").GetInt64(), Is.EqualTo(4), "the diagonal blocks");
                Assert.That(head.GetProperty("negligible").GetInt64(), Is.EqualTo(6 + 1), "6 past the diagonal, and ⌊0.25 · 4⌋ = 1 in the last row");
                Assert.That(head.GetProperty("marginal").GetInt64(), Is.EqualTo(16 - 4 - 7));
            }
        });
        float cell = BlockClassPlot.MatrixArea.Width / 4;
        float Center(int block) => (block * cell) + (cell / 2);
        Assert.Multiple(() =>
        {
            Assert.That(PngImage.PixelAt(path, BlockClassPlot.MatrixArea.Left + Center(3), BlockClassPlot.MatrixArea.Top + Center(0)), Is.EqualTo(BlockClassPlot.FutureColor), "block (0, 3)");
            Assert.That(PngImage.PixelAt(path, BlockClassPlot.MatrixArea.Left + Center(2), BlockClassPlot.MatrixArea.Top + Center(2)), Is.EqualTo(BlockClassPlot.CriticalColor), "block (2, 2)");
        });
    }

    [Test]
    public void CausalSlaIsMeasuredAgainstCausalDenseAttention()
    {
        // Every visible block critical: causal SLA is causal attention, so its error against the
        // dense reference is rounding alone (against non-causal attention it would be order 1).
        JsonElement json = CliRun.Json(["sla", "--cpu", "--causal", "--seq", "256", "--heads", "2", "--fit-steps", "0", "--critical", "1", "--negligible", "0"]);
        foreach (JsonElement head in json.GetProperty("head_results").EnumerateArray())
        {
            Assert.That(head.GetProperty("rel_l2_sparse").GetDouble(), Is.LessThan(1e-6));
        }
    }

    [Test]
    public void CausalWithTheAllKeysBranchIsOneLine()
    {
        (int exitCode, _, string errors) = CliRun.InvokeWithErrors(["sla", "--causal", "--linear-branch", "all", "--seq", "256"]);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(errors.Trim(), Does.StartWith("error: --causal with --linear-branch all"));
            Assert.That(errors.Trim().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
        });
    }
}

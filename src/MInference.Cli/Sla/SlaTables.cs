using System.Globalization;
using Spectre.Console;

namespace MInference.Cli.Sla;

/// <summary>The terminal output of `sla`: the run, a row per head, the timings and the fitting's error curve.</summary>
internal static class SlaTables
{
    /// <summary>Rows of the error curve at most (first and last always).</summary>
    private const int CurveRows = 11;

    public static void Print(SlaJson result)
    {
        IAnsiConsole console = Consoles.OutForTables(150);
        console.MarkupLine(Markup.Escape(
            $"Backend: {result.Backend} ({result.Device})   latent: {result.Frames} × {result.Height} × {result.Width} = {result.Seq:N0} tokens   batch {result.Batch}, heads {result.Heads}, head_dim {result.HeadDim}, {result.Dtype}"));
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"SLA: k_h {result.Critical:G3} ({result.CriticalBlocksPerRow} of {result.Blocks} key blocks per row critical), k_l {result.Negligible:G3} ({result.NegligibleBlocksPerRow} negligible), φ {result.FeatureMap}, linear branch {result.LinearBranch}{(result.Causal ? ", causal (counts of the last row)" : string.Empty)}")));
        console.Write(HeadTable(result));
        console.Write(TimingTable(result.Timings));
        if (result.FitSteps > 0)
        {
            console.Write(CurveTable(result));
        }

        if (result.Plot is not null)
        {
            console.MarkupLine(Markup.Escape($"wrote {result.Plot}"));
        }
    }

    private static Table HeadTable(SlaJson result)
    {
        var table = new Table().Border(TableBorder.Simple).Title("block pairs per class and output error against dense attention, per head");
        string[] columns = ["head", "reach (frames, px)", "critical", "marginal", "negligible", "rel. L2 (Proj = 0)", "rel. L2 (fitted)"];
        foreach (string column in columns)
        {
            table.AddColumn(new TableColumn(column) { Alignment = Justify.Right, NoWrap = true });
        }

        foreach (SlaHeadResult head in result.HeadResults)
        {
            table.AddRow(
                Text(head.Head), string.Create(CultureInfo.InvariantCulture, $"{head.ReachFrames:G3}, {head.ReachPixels:G3}"),
                Count(head.Critical, head.CriticalShare), Count(head.Marginal, head.MarginalShare), Count(head.Negligible, head.NegligibleShare),
                Percent(head.RelL2Sparse), head.RelL2Fitted is double fitted ? Percent(fitted) : "-");
        }

        table.Caption("critical: exact; marginal: linear branch; negligible: skipped; Proj = 0: the critical branch alone");
        return table;
    }

    private static Table TimingTable(SlaTimings timings)
    {
        string clock = timings.Clock == "cuda-events" ? "GPU, CUDA events, median of 10 runs after warm-up" : "CPU, wall clock, one run";
        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape($"time ({clock})"));
        foreach (string column in (string[])["pass", "SLA ms", "dense ms", "speedup"])
        {
            table.AddColumn(new TableColumn(column) { Alignment = Justify.Right, NoWrap = true });
        }

        table.AddRow("forward (SLA with mask prediction)", Milliseconds(timings.SlaFwdMs), Milliseconds(timings.DenseFwdMs), Speedup(timings.DenseFwdMs, timings.SlaFwdMs));
        table.AddRow("backward (dense: every block critical)", Milliseconds(timings.SlaBwdMs), Milliseconds(timings.DenseBwdMs), Speedup(timings.DenseBwdMs, timings.SlaBwdMs));
        return table;
    }

    private static Table CurveTable(SlaJson result)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"fitting Proj (Adam, lr {result.LearningRate:G3})")));
        table.AddColumn(new TableColumn("step") { Alignment = Justify.Right });
        table.AddColumn(new TableColumn("rel. L2 against dense") { Alignment = Justify.Right });
        int steps = result.ErrorCurve.Count - 1;
        int stride = Math.Max(1, (int)Math.Ceiling(steps / (double)(CurveRows - 1)));
        foreach (int step in Enumerable.Range(0, steps + 1).Where(step => step % stride == 0 || step == steps))
        {
            table.AddRow(Text(step), Percent(result.ErrorCurve[step]));
        }

        table.Caption(Markup.Escape($"{Percent(result.ErrorCurve[0])} → {Percent(result.ErrorCurve[^1])}"));
        return table;
    }

    private static string Count(long count, double share) => string.Create(CultureInfo.InvariantCulture, $"{count:N0} ({share:P1})");

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double value) => value.ToString("P2", CultureInfo.InvariantCulture);

    private static string Milliseconds(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

    private static string Speedup(double dense, double sla) => string.Create(CultureInfo.InvariantCulture, $"{dense / sla:F2}x");
}

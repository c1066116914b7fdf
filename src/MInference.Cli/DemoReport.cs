using Spectre.Console;

namespace MInference.Cli;

/// <summary>Prints a demo run and judges it against <see cref="DemoTolerance"/>.</summary>
internal static class DemoReport
{
    /// <summary>Prints the summary and the accuracy table; returns whether every check passed.</summary>
    public static bool Print(AttentionProblem problem, DemoOutcome outcome)
    {
        IAnsiConsole console = Consoles.Out;
        DemoTolerance tolerance = DemoTolerance.For(problem.DType);
        double teraflops = problem.Flops / (outcome.Milliseconds * 1e9);

        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow("Problem", Markup.Escape(problem.ToString()));
        summary.AddRow("Backend", Markup.Escape(outcome.Backend));
        summary.AddRow("Time", Markup.Escape($"{outcome.Milliseconds:F3} ms ({outcome.TimingMethod}), {teraflops:G3} TFLOP/s"));
        console.Write(summary);

        bool maxAbsolutePasses = outcome.Errors.MaxAbsoluteError <= tolerance.MaxAbsoluteError;
        bool relativePasses = outcome.Errors.RelativeL2Error <= tolerance.RelativeL2Error;
        bool allFinite = outcome.NonFiniteOutputCount == 0;
        var table = new Table()
            .Title(Markup.Escape($"vs CPU reference: {outcome.CheckedRowCount} rows x {problem.Batch * problem.Heads} heads"))
            .AddColumn("check")
            .AddColumn(new TableColumn("value").RightAligned())
            .AddColumn(new TableColumn("tolerance").RightAligned())
            .AddColumn("result");
        table.AddRow("max |error|", $"{outcome.Errors.MaxAbsoluteError:E2}", $"{tolerance.MaxAbsoluteError:E1}", Verdict(maxAbsolutePasses));
        table.AddRow("relative L2 error", $"{outcome.Errors.RelativeL2Error:E2}", $"{tolerance.RelativeL2Error:E1}", Verdict(relativePasses));
        table.AddRow("non-finite outputs", outcome.NonFiniteOutputCount.ToString(), "0", Verdict(allFinite));
        console.Write(table);
        if (outcome.Caveat is { } caveat)
        {
            console.MarkupLineInterpolated($"[grey]Note: {caveat}.[/]");
        }

        bool passed = maxAbsolutePasses && relativePasses && allFinite;
        console.MarkupLine(passed ? "[green]PASS[/]" : "[red]FAIL[/]");
        return passed;
    }

    private static string Verdict(bool passed) => passed ? "[green]pass[/]" : "[red]fail[/]";
}

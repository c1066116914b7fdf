using System.Globalization;
using Spectre.Console;

namespace MInference.Cli;

/// <summary>Terminal tables of prefill results: one table of heads per length, then the summary (demo and run).</summary>
internal static class PrefillTables
{
    public static void Print(string backend, string timing, string patternSource, IReadOnlyList<LengthResult> lengths, IReadOnlyList<string> plots)
    {
        IAnsiConsole console = Consoles.Out;
        console.MarkupLineInterpolated($"[bold]Backend:[/] {backend}   [bold]timing:[/] {timing}");
        console.MarkupLineInterpolated($"[bold]Patterns:[/] {patternSource}");
        foreach (LengthResult length in lengths)
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"N = {length.SequenceLength:N0} tokens: every head");
            foreach (string column in (string[])["layer", "head", "kind", "ran", "density", "recall", "rel. L2", "max abs", "dense ms", "sparse ms"])
            {
                table.AddColumn(new TableColumn(column) { Alignment = column is "kind" or "ran" ? Justify.Left : Justify.Right });
            }

            foreach (HeadReport head in length.Heads)
            {
                table.AddRow(
                    Text(head.Layer), Text(head.Head), Markup.Escape(head.Kind), Markup.Escape(head.Ran), Percent(head.Density), Percent(head.Recall),
                    Colored(head.RelativeL2, head.Structured), head.MaxAbs.ToString("F4", CultureInfo.InvariantCulture),
                    head.DenseMilliseconds.ToString("F3", CultureInfo.InvariantCulture), head.SparseMilliseconds.ToString("F3", CultureInfo.InvariantCulture));
            }

            table.Caption("per-head times are the layer's measured time split over its heads (dense evenly, sparse by computed entries)");
            console.Write(table);
        }

        var summary = new Table().Border(TableBorder.Rounded).Title("End-to-end attention (all layers)");
        foreach (string column in (string[])["N", "dense ms", "sparse ms", "speedup", "density", "rel. L2 mean / max (structured)", "min recall (structured)"])
        {
            summary.AddColumn(new TableColumn(column) { Alignment = Justify.Right });
        }

        foreach (LengthResult length in lengths)
        {
            HeadReport[] structured = [.. length.StructuredHeads];
            summary.AddRow(
                length.SequenceLength.ToString("N0", CultureInfo.InvariantCulture),
                length.DenseMilliseconds.ToString("F2", CultureInfo.InvariantCulture),
                length.SparseMilliseconds.ToString("F2", CultureInfo.InvariantCulture),
                $"[bold]{length.Speedup.ToString("F2", CultureInfo.InvariantCulture)}×[/]",
                Percent(length.Density),
                structured.Length == 0 ? "-" : $"{Percent(structured.Average(head => head.RelativeL2))} / {Percent(structured.Max(head => head.RelativeL2))}",
                structured.Length == 0 ? "-" : Percent(structured.Min(head => head.Recall)));
        }

        console.Write(summary);
        foreach (string plot in plots)
        {
            console.MarkupLineInterpolated($"[grey]wrote[/] {plot}");
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double value) => value.ToString("P2", CultureInfo.InvariantCulture);

    private static string Colored(double relativeL2, bool structured)
    {
        string text = Percent(relativeL2);
        return !structured ? $"[grey]{text}[/]" : relativeL2 <= 0.05 ? $"[green]{text}[/]" : $"[yellow]{text}[/]";
    }
}

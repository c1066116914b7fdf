using System.Globalization;
using MInference.Cli.Demo;
using Spectre.Console;

namespace MInference.Cli.Prefill;

/// <summary>Terminal tables of prefill results: one table of heads per length, then the summary (demo and run).</summary>
internal static class PrefillTables
{
    public static void Print(string backend, string timing, string patternSource, IReadOnlyList<LengthResult> lengths, IReadOnlyList<string> plots)
    {
        IAnsiConsole console = Consoles.OutForTables(120);
        console.MarkupLineInterpolated($"[bold]Backend:[/] {backend}   [bold]timing:[/] {timing}");
        console.MarkupLineInterpolated($"[bold]Patterns:[/] {patternSource}");
        foreach (LengthResult length in lengths)
        {
            var table = new Table().Border(TableBorder.Simple).Title($"N = {length.SequenceLength:N0} tokens: every head");
            foreach (string column in (string[])["L", "H", "kind", "ran", "density", "recall", "rel.L2", "max|Δ|", "ms"])
            {
                table.AddColumn(new TableColumn(column) { Alignment = column is "kind" or "ran" ? Justify.Left : Justify.Right, NoWrap = true, Padding = new Padding(1, 0, 0, 0) });
            }

            foreach (HeadReport head in length.Heads)
            {
                table.AddRow(
                    Text(head.Layer), Text(head.Head), Markup.Escape(head.Kind), Markup.Escape(ShortPattern(head.Ran)), Percent(head.Density), Percent(head.Recall),
                    Colored(head.RelativeL2, head.Structured), head.MaxAbs.ToString("F3", CultureInfo.InvariantCulture),
                    head.SparseMilliseconds.ToString("F2", CultureInfo.InvariantCulture));
            }

            double denseShare = length.Heads.Average(head => head.DenseMilliseconds);
            table.Caption($"ms: the layer's sparse time split by computed entries (dense: {denseShare.ToString("F2", CultureInfo.InvariantCulture)} ms per head). VS = vertical_and_slash, A = stream_llm, block = block_sparse");
            console.Write(table);
        }

        var summary = new Table().Border(TableBorder.Simple).Title("End-to-end attention (all layers)");
        foreach (string column in (string[])["N", "dense ms", "sparse ms", "speedup", "density", "rel.L2 mean/max", "min recall"])
        {
            summary.AddColumn(new TableColumn(column) { Alignment = Justify.Right, NoWrap = true, Padding = new Padding(1, 0, 0, 0) });
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
                structured.Length == 0 ? "-" : $"{Percent(structured.Average(head => head.RelativeL2))}/{Percent(structured.Max(head => head.RelativeL2))}",
                structured.Length == 0 ? "-" : Percent(structured.Min(head => head.Recall)));
        }

        summary.Caption("error and recall over the structured heads; times include estimation and index");
        console.Write(summary);
        foreach (string plot in plots)
        {
            console.MarkupLineInterpolated($"[grey]wrote[/] {plot}");
        }
    }

    /// <summary>MInference's pattern names shortened for the table: VS(v, s), A(sinks, window), block(k).</summary>
    private static string ShortPattern(string pattern) => pattern
        .Replace("vertical_and_slash", "VS", StringComparison.Ordinal)
        .Replace("stream_llm", "A", StringComparison.Ordinal)
        .Replace("block_sparse", "block", StringComparison.Ordinal)
        .Replace(", ", ",", StringComparison.Ordinal)
        .Replace("DensityAboveLimit fallback from ", "too dense: ", StringComparison.Ordinal)
        .Replace("ShortSequence fallback from ", "too short: ", StringComparison.Ordinal);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double value) => value.ToString("0.0#%", CultureInfo.InvariantCulture);

    private static string Colored(double relativeL2, bool structured)
    {
        string text = Percent(relativeL2);
        return !structured ? $"[grey]{text}[/]" : relativeL2 <= 0.05 ? $"[green]{text}[/]" : $"[yellow]{text}[/]";
    }
}

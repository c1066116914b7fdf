using System.Globalization;
using Spectre.Console;

namespace MInference.Cli.Decode;

/// <summary>Terminal tables of `decode`: every head per context length, then one summary row per length.</summary>
internal static class DecodeTables
{
    public static void Print(string backend, string data, DecodeSettings settings, IReadOnlyList<DecodeLengthResult> results)
    {
        IAnsiConsole console = Consoles.OutForTables(120);
        console.MarkupLineInterpolated(
            $"[bold]Backend:[/] {backend}   [bold]PQ:[/] M = {settings.Subspaces}, C = 256, head_dim {settings.HeadDim}, window {settings.Window} ({DTypeNames.ToShortName(settings.DType)})   [bold]heads:[/] {settings.Heads} over {settings.KvHeads} kv");
        console.MarkupLineInterpolated($"[bold]Data:[/] {data}");
        foreach (DecodeLengthResult result in results)
        {
            var table = new Table().Border(TableBorder.Simple)
                .Title($"N = {result.Seq:N0} + {settings.Steps} steps: {result.CodedTokens:N0} coded, {result.WindowTokens} in window");
            foreach (string column in (string[])["head", "kv head", "rel.L2 vs exact", "uniform 4-bit", $"top-{settings.TopK} overlap"])
            {
                table.AddColumn(new TableColumn(column) { Alignment = Justify.Right, NoWrap = true, Padding = new Padding(1, 0, 0, 0) });
            }

            foreach (DecodeHeadResult head in result.Heads)
            {
                table.AddRow(Text(head.Head), Text(head.KvHead), Percent(head.RelativeL2), Percent(head.UniformRelativeL2), Percent(head.TopKOverlap));
            }

            table.Caption($"compression {Times(result.Compression)}, {Times(result.CompressionWithCodebooks)} with codebooks");
            console.Write(table);
        }

        var summary = new Table().Border(TableBorder.Simple).Title("Summary");
        foreach (string column in (string[])["N", "compression", "rel.L2 mean/max", "uniform 4-bit", $"top-{settings.TopK} overlap mean/min", "ms/step PQ", "ms/step dense", "PQ speedup"])
        {
            summary.AddColumn(new TableColumn(column) { Alignment = Justify.Right, NoWrap = true, Padding = new Padding(1, 0, 0, 0) });
        }

        foreach (DecodeLengthResult result in results)
        {
            summary.AddRow(
                result.Seq.ToString("N0", CultureInfo.InvariantCulture), $"{Times(result.Compression)} ({Times(result.CompressionWithCodebooks)})",
                $"{Percent(result.MeanRelativeL2)}/{Percent(result.Heads.Max(head => head.RelativeL2))}",
                Percent(result.MeanUniformRelativeL2),
                $"{Percent(result.MeanTopKOverlap)}/{Percent(result.Heads.Min(head => head.TopKOverlap))}",
                Milliseconds(result.PqMilliseconds), Milliseconds(result.DenseMilliseconds), Times(result.DenseMilliseconds / result.PqMilliseconds));
        }

        summary.Caption("compression: 16-bit K/V over codes and window (in parentheses, the codebooks counted too); uniform 4-bit: its mean rel.L2 on the same coded tokens");
        console.Write(summary);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double value) => value.ToString("P1", CultureInfo.InvariantCulture);

    private static string Milliseconds(double value) => value.ToString(value < 1 ? "F4" : "F2", CultureInfo.InvariantCulture);

    private static string Times(double value) => $"{value.ToString("F2", CultureInfo.InvariantCulture)}×";
}

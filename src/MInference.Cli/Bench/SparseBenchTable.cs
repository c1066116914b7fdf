using Spectre.Console;

namespace MInference.Cli.Bench;

/// <summary>The table `bench sparse` prints without --json.</summary>
internal static class SparseBenchTable
{
    public static Table Create(IReadOnlyList<SparseBenchmarkResult> results, string device)
    {
        var table = new Table()
            .Title(Markup.Escape($"sparse prefill on {device}"))
            .AddColumn("pattern")
            .AddColumn(new TableColumn("seq").RightAligned())
            .AddColumn("heads q/kv, dim")
            .AddColumn("dtype, data")
            .AddColumn(new TableColumn("estimate ms").RightAligned())
            .AddColumn(new TableColumn("index ms").RightAligned())
            .AddColumn(new TableColumn("attention ms").RightAligned())
            .AddColumn(new TableColumn("total ms").RightAligned())
            .AddColumn(new TableColumn("back-to-back ms").RightAligned())
            .AddColumn(new TableColumn("host ms").RightAligned())
            .AddColumn(new TableColumn("graph ms").RightAligned())
            .AddColumn(new TableColumn("density").RightAligned())
            .AddColumn(new TableColumn("TFLOP/s kept").RightAligned())
            .AddColumn(new TableColumn("dense ms").RightAligned())
            .AddColumn(new TableColumn("dense TFLOP/s").RightAligned())
            .AddColumn(new TableColumn("speedup").RightAligned())
            .AddColumn(new TableColumn("rel. L2").RightAligned());
        foreach (SparseBenchmarkResult result in results)
        {
            string parameters = string.Join(", ", result.Params.Select(parameter => $"{parameter.Key} {parameter.Value:G6}"));
            table.AddRow(
                Markup.Escape($"{result.Pattern} ({parameters})"),
                result.Seq.ToString(),
                $"{result.Heads}/{result.KvHeads}, {result.HeadDim}",
                $"{result.Dtype}, {result.Data}",
                $"{result.MsEstimate:F3}",
                $"{result.MsIndex:F3}",
                $"{result.MsAttention:F3}",
                $"{result.MsTotal:F3}",
                $"{result.MsPipelined:F3}",
                $"{result.MsHost:F3}",
                result.MsGraph is { } graph ? $"{graph:F3}" : "-",
                $"{result.Density:F4}",
                $"{result.TflopsKept:F1}",
                $"{result.DenseMs:F3}",
                $"{result.DenseTflops:F1}",
                $"{result.SpeedupVsDense:F2}x",
                $"{result.RelL2:P2}");
        }

        return table;
    }
}

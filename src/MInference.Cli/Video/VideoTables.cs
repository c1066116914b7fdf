using System.Globalization;
using Spectre.Console;

namespace MInference.Cli.Video;

/// <summary>The terminal table of `video`: one row per head.</summary>
internal static class VideoTables
{
    public static void Print(VideoSettings settings, int sequenceLength, IReadOnlyList<VideoHeadResult> heads)
    {
        IAnsiConsole console = Consoles.OutForTables(170);
        console.MarkupLineInterpolated(
            $"[bold]Backend:[/] cpu (references)   [bold]prompt:[/] {sequenceLength:N0} tokens = text {settings.TextTokens - (settings.TextTokens / 3)}, video {settings.Frames} frames of {settings.FrameHeight}×{settings.FrameWidth}, text {settings.TextTokens / 3}   [bold]heads:[/] {settings.Heads} over {settings.KvHeads} kv, head_dim {settings.HeadDim}");
        var table = new Table().Border(TableBorder.Simple)
            .Title($"grid {settings.GridBlocks} blocks per query block · 2D-boundary {settings.BoundaryBlocks} blocks per sub-block");
        foreach (string column in (string[])["head", "planted", "stride", "phase", "contrast diag/vert", "grid density", "grid recall", "grid rel.L2", "2D density", "2D recall", "2D rel.L2", "VS density", "VS recall", "VS rel.L2"])
        {
            table.AddColumn(new TableColumn(column) { Alignment = Justify.Right, NoWrap = true, Padding = new Padding(1, 0, 0, 0) });
        }

        foreach (VideoHeadResult head in heads)
        {
            table.AddRow(
                Text(head.Head), head.Kind, Text(head.Stride), Text(head.Phase),
                $"{head.DiagonalContrast.ToString("F1", CultureInfo.InvariantCulture)}/{head.VerticalContrast.ToString("F1", CultureInfo.InvariantCulture)}",
                Percent(head.Grid.Density), Percent(head.Grid.Recall), Percent(head.Grid.RelativeL2),
                Percent(head.Boundary.Density), Percent(head.Boundary.Recall), Percent(head.Boundary.RelativeL2),
                Percent(head.VerticalSlash.Density), Percent(head.VerticalSlash.Recall), Percent(head.VerticalSlash.RelativeL2));
        }

        table.Caption("density: kept share of the causal (query, key) pairs; recall: dense softmax mass kept; rel.L2 against dense attention; VS: vertical-slash sized to the grid pattern's density");
        console.Write(table);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double value) => value.ToString("P1", CultureInfo.InvariantCulture);
}

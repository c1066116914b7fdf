using MInference.Cli.Plots;

namespace MInference.Cli.Decode;

/// <summary>`decode --plot`: milliseconds per decode step against context length, one line for PQ and one for dense.</summary>
internal static class DecodeTimeChart
{
    private static readonly ChartAxes s_axes = new("context length (tokens)", "time per decode step (ms)");

    public static void Write(string directory, DecodeSettings settings, IReadOnlyList<DecodeLengthResult> results, string backend)
    {
        string pq = $"PQ cache, M = {settings.Subspaces}";
        string dense = $"dense {DTypeNames.ToShortName(settings.DType)} cache";
        ChartPoint[] points =
        [
            .. results.Select(result => new ChartPoint(pq, result.Seq + settings.Steps, result.PqMilliseconds)),
            .. results.Select(result => new ChartPoint(dense, result.Seq + settings.Steps, result.DenseMilliseconds)),
        ];
        string title = $"Decode step, {settings.Heads} heads over {settings.KvHeads} kv, head_dim {settings.HeadDim} · {backend}";
        LineChart.Write(Path.Combine(directory, PlotFileNames.DecodeTimeFileName), points, title, s_axes);
    }
}

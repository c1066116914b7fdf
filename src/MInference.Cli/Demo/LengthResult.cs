using MInference.Cli.Prefill;

namespace MInference.Cli.Demo;

/// <summary>One prompt length: every layer's report and the totals.</summary>
internal sealed record LengthResult(int SequenceLength, IReadOnlyList<LayerReport> Layers)
{
    public IEnumerable<HeadReport> Heads => Layers.SelectMany(layer => layer.Heads);

    public double DenseMilliseconds => Layers.Sum(layer => layer.DenseMilliseconds);

    public double SparseMilliseconds => Layers.Sum(layer => layer.SparseMilliseconds);

    /// <summary>End-to-end attention speedup: all layers dense over all layers sparse (estimation and index included).</summary>
    public double Speedup => DenseMilliseconds / SparseMilliseconds;

    public double Density => Heads.Average(head => head.Density);

    public IEnumerable<HeadReport> StructuredHeads => Heads.Where(head => head.Structured);
}

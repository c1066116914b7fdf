using MInference.Evaluation;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Cli.Prefill;

/// <summary>
/// Runs one layer dense and sparse on a backend and compares every head. Per-head times are the
/// layer's measured times split over its heads (dense evenly, sparse by computed entries): heads
/// sharing a pattern run in one launch, so only the layer's time is measured directly.
/// </summary>
internal static class LayerEvaluation
{
    public static (LayerReport Report, LayerRun Dense, LayerRun Sparse) Run(
        IPrefillLayer layer, int layerIndex, IReadOnlyList<HeadPattern> patterns, SparsePrefillOptions policy, Func<int, (string Kind, bool Structured)> describeHead)
    {
        LayerRun dense = layer.Dense();
        LayerRun sparse = layer.Sparse(patterns, policy);
        double densitySum = sparse.Heads.Sum(head => head.Density);
        int heads = layer.Inputs.Heads;
        var reports = new HeadReport[heads];
        for (int head = 0; head < heads; head++)
        {
            HeadRun run = sparse.Heads[head];
            HeadAccuracy accuracy = HeadAccuracy.Compare(layer.Inputs, dense, sparse, head);
            (string kind, bool structured) = describeHead(head);
            reports[head] = new HeadReport(
                layerIndex, head, kind, run.Pattern.ToString(), run.Description, run.Density, accuracy.Recall, accuracy.RelativeL2, accuracy.MaxAbs,
                dense.Milliseconds / heads, sparse.Milliseconds * run.Density / densitySum, structured);
        }

        return (new LayerReport(layerIndex, layer.Inputs.SequenceLength, dense.Milliseconds, sparse.Milliseconds, reports), dense, sparse);
    }
}

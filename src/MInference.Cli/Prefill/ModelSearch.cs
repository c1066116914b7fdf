using MInference.Evaluation;
using MInference.Multimodal;
using MInference.Sparse.Patterns;

namespace MInference.Cli.Prefill;

/// <summary>Runs <see cref="PatternSearch"/> over every layer of a model sample, with progress.</summary>
internal static class ModelSearch
{
    /// <summary>Progress units one layer's search reports: its dense run plus one per candidate.</summary>
    public static int UnitsPerLayer(int sampleLength, ModalityMap? modalities = null) => SearchCandidates.For(sampleLength, modalities).Count + 1;

    public static IReadOnlyList<IReadOnlyList<HeadSearchResult>> Run(
        IPrefillBackend backend, int layers, Func<int, LayerInputs> sampleOfLayer, PatternSearchOptions options, WorkProgress progress)
    {
        var results = new List<IReadOnlyList<HeadSearchResult>>();
        for (int layerIndex = 0; layerIndex < layers; layerIndex++)
        {
            progress.Describe($"layer {layerIndex}: sample");
            LayerInputs inputs = sampleOfLayer(layerIndex);
            using IPrefillLayer layer = backend.Load(inputs);
            progress.Describe($"layer {layerIndex}: dense reference");
            LayerRun dense = layer.Dense(timed: false);
            progress.Advance();
            IReadOnlyList<HeadPattern> candidates = SearchCandidates.For(inputs.SequenceLength, options.Modalities);
            int index = layerIndex;
            results.Add(PatternSearch.SearchLayer(layer, dense, candidates, options, (done, total) =>
            {
                progress.Describe($"layer {index}: candidate {done}/{total}");
                progress.Advance();
            }));
        }

        return results;
    }
}

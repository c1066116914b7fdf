using MInference.Cli.Plots;
using MInference.Cli.Prefill;
using MInference.Evaluation;
using MInference.Sparse.Config;
using MInference.Sparse.Patterns;

namespace MInference.Cli.Demo;

/// <summary>
/// The demo's work: choose every head's pattern (the config file, or a search on a short sample of
/// the same model), then for every length and layer generate the inputs, run dense and sparse
/// prefill, compare every head and draw the chosen heads.
/// </summary>
internal static class DemoRunner
{
    private const int PictureGrid = 128;

    public static DemoResult Run(IPrefillBackend backend, DemoSettings settings)
    {
        SyntheticModel model = settings.Model;
        (HeadPatternConfig config, string source) = settings.ConfigPath is { } path
            ? (HeadPatternConfig.Load(path, model.Layers, model.Heads), $"config file {path}")
            : Search(backend, settings);

        var lengths = new List<LengthResult>();
        var plots = new List<string>();
        string? plotDirectory = settings.PlotDirectory is null ? null : PlotFileNames.PrepareDirectory(settings.PlotDirectory);
        int longest = settings.SequenceLengths.Max();
        double units = settings.SequenceLengths.Sum(n => (double)n * n) * model.Layers;
        Consoles.WithProgressBar("prefill", units, progress =>
        {
            foreach (int n in settings.SequenceLengths)
            {
                var layers = new List<LayerReport>();
                for (int layerIndex = 0; layerIndex < model.Layers; layerIndex++)
                {
                    progress.Describe($"N = {n}, layer {layerIndex}: generating");
                    LayerInputs inputs = model.GenerateLayer(layerIndex, n);
                    using IPrefillLayer layer = backend.Load(inputs);
                    progress.Describe($"N = {n}, layer {layerIndex}: dense and sparse");
                    IReadOnlyList<HeadPattern> patterns = config.GetLayer(layerIndex).Select(entry => entry.Pattern).ToArray();
                    int index = layerIndex;
                    (LayerReport report, _, LayerRun sparse) = LayerEvaluation.Run(layer, layerIndex, patterns, settings.Policy, head =>
                    {
                        SyntheticHeadKind kind = SyntheticModel.KindOf(index, head);
                        return (kind.Name, kind.IsStructured);
                    });
                    layers.Add(report);
                    if (plotDirectory is not null && n == longest)
                    {
                        foreach (int head in PictureHeads(model, layerIndex, settings.PlotHeads))
                        {
                            progress.Describe($"N = {n}, layer {layerIndex}: drawing head {head}");
                            plots.Add(DrawHead(plotDirectory, inputs, sparse.Heads[head], report.Heads[head]));
                        }
                    }

                    progress.Advance((double)n * n);
                }

                lengths.Add(new LengthResult(n, layers));
            }

            return 0;
        });

        if (plotDirectory is not null && lengths.Count > 1)
        {
            string chart = Path.Combine(plotDirectory, PlotFileNames.SpeedupFileName);
            LineChart.Write(
                chart,
                [.. lengths.Select(length => new ChartPoint("end-to-end attention", length.SequenceLength, length.Speedup))],
                $"Sparse prefill speedup vs our dense kernel ({backend.Description})",
                ChartAxes.SpeedupVsDense);
            plots.Add(chart);
        }

        return new DemoResult(backend.Description, backend.TimingMethod, model, source, lengths, plots);
    }

    private static (HeadPatternConfig Config, string Source) Search(IPrefillBackend backend, DemoSettings settings)
    {
        SyntheticModel model = settings.Model;
        int sample = settings.SearchLength;
        var options = new PatternSearchOptions { DensityBudget = settings.Budget, MaxRelativeError = settings.MaxError };
        IReadOnlyList<IReadOnlyList<HeadSearchResult>> results = Consoles.WithProgressBar(
            $"pattern search on a {sample}-token sample",
            model.Layers * ModelSearch.UnitsPerLayer(sample),
            progress => ModelSearch.Run(backend, model.Layers, layer => model.GenerateLayer(layer, sample), options, progress));
        return (PatternSearch.ToConfig(results), $"search on a {sample}-token prompt of the same model (budget {settings.Budget:P0} density, max error {settings.MaxError:P0})");
    }

    /// <summary>"auto": in layer 0 the first head of each kind; "all": every head of layer 0; or "L:H,L:H".</summary>
    private static IEnumerable<int> PictureHeads(SyntheticModel model, int layer, string selection)
    {
        if (selection == "auto")
        {
            return layer != 0 ? [] : Enumerable.Range(0, model.Heads).DistinctBy(head => SyntheticModel.KindOf(0, head).Name);
        }

        if (selection == "all")
        {
            return layer != 0 ? [] : Enumerable.Range(0, model.Heads);
        }

        return HeadSelection.Parse(selection, model.Layers, model.Heads).Where(pair => pair.Layer == layer).Select(pair => pair.Head);
    }

    private static string DrawHead(string directory, LayerInputs inputs, HeadRun run, HeadReport report)
    {
        (double[,] attention, double[,] kept) = HeadPicture.Build(inputs, report.Head, run, PictureGrid);
        string path = Path.Combine(directory, PlotFileNames.ForHead(report.Layer, report.Head));
        PatternPlot.WriteHeatmapPair(path, new PatternPlotData(
            Title: $"layer {report.Layer} · head {report.Head} ({report.Kind}) · {report.Ran}",
            Subtitle: $"N = {inputs.SequenceLength} · density {report.Density:P2} · recall {report.Recall:P2} · rel. L2 {report.RelativeL2:P2}",
            SequenceLength: inputs.SequenceLength,
            Attention: attention,
            KeptFraction: kept));
        return path;
    }
}

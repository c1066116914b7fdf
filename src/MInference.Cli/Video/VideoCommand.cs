using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MInference.Cli.Plots;
using MInference.Multimodal;

namespace MInference.Cli.Video;

/// <summary>
/// `minference video`: MMInference on a synthetic vision-language prompt (text, a video of F frames
/// of h × w patches, text) with grid, text and boundary heads. Per head: the grid stride and phase found
/// online from the last-query approximation, and for the grid pattern (tokens permuted by phase
/// class) and the 2D-boundary pattern (tokens grouped by modality) the density, recall and error
/// against dense attention. `--plot` draws a grid head's attention before and after its permutation
/// beside the kept blocks. The CPU references compute everything; the GPU kernel is not wired here yet.
/// </summary>
internal static class VideoCommand
{
    public static Command Create()
    {
        var frames = new Option<int>("--frames") { Description = "Video frames", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var frameHeight = new Option<int>("--frame-height") { Description = "Patch rows per frame", DefaultValueFactory = _ => 12 }.AtLeast(1);
        var frameWidth = new Option<int>("--frame-width") { Description = "Patches per row", DefaultValueFactory = _ => 12 }.AtLeast(1);
        var text = new Option<int>("--text") { Description = "Text tokens: two thirds before the video, one third after", DefaultValueFactory = _ => 192 }.AtLeast(0);
        var heads = new Option<int>("--heads") { Description = "Query heads; their kinds cycle through grid, text, q-boundary, k-boundary, 2d-boundary", DefaultValueFactory = _ => 6 }.AtLeast(1);
        var kvHeads = new Option<int>("--kv-heads") { Description = "Key/value heads (divides --heads)", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var headDim = new Option<int>("--head-dim") { Description = "Head dimension (even, at least 32)", DefaultValueFactory = _ => 64 }.AtLeast(32);
        var gridBlocks = new Option<int>("--grid-blocks") { Description = "Grid pattern: key blocks kept per query block (the diagonal, then vertical-line blocks, then the best others)", DefaultValueFactory = _ => 4 }.AtLeast(1);
        var boundaryBlocks = new Option<int>("--boundary-blocks") { Description = "2D-boundary pattern: key blocks kept per query block in each modality's keys", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var noise = new Option<double>("--noise") { Description = "Noise on q and k (standard deviation, 0 to 4)", DefaultValueFactory = _ => 0.25 }.Between(0, 4);
        var seed = new Option<int>("--seed") { Description = "Seed of the data (and the grid phase)", DefaultValueFactory = _ => 1 }.AtLeast(0);
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of the table" };
        var modalitiesOut = new Option<string?>("--modalities-out") { Description = "Also write the prompt's modality map (JSON, the format run and search will read) to this file" };
        var tensorsOut = new Option<string?>("--tensors-out")
        {
            Description = "Also write the prompt's q, k, v as a one-layer capture (.safetensors, bf16, the layout run and search read; use with --modalities-out)",
        };
        var plot = new Option<string?>("--plot") { Description = "Also draw the first grid head (attention before and after its permutation, kept blocks) into this directory" };
        var command = new Command("video", "MMInference on a synthetic vision-language prompt: per head the grid stride and phase found online, and the grid and 2D-boundary patterns' density, recall and error vs dense (CPU references).")
        {
            frames, frameHeight, frameWidth, text, heads, kvHeads, headDim, gridBlocks, boundaryBlocks, noise, seed, json, modalitiesOut, tensorsOut, plot,
        }.WithExamples(
            "minference video",
            "minference video --frames 16 --frame-height 8 --frame-width 8 --plot plots",
            "minference video --heads 8 --kv-heads 2 --grid-blocks 6 --json",
            "minference video --tensors-out video.safetensors --modalities-out video-map.json");
        command.SetAction(parse => Consoles.Run(() =>
        {
            string? plotDirectory = parse.GetValue(plot);
            if (plotDirectory is not null)
            {
                Files.PathChecks.RequireOutputDirectory(plot.Name, plotDirectory);
            }

            string? modalitiesPath = parse.GetValue(modalitiesOut);
            if (modalitiesPath is not null)
            {
                Files.PathChecks.RequireOutputFile(modalitiesOut.Name, modalitiesPath);
            }

            string? tensorsPath = parse.GetValue(tensorsOut);
            if (tensorsPath is not null)
            {
                Files.PathChecks.RequireOutputFile(tensorsOut.Name, tensorsPath, (modalitiesOut.Name, modalitiesPath));
            }

            double noiseLevel = parse.GetValue(noise);
            var settings = new VideoSettings(
                parse.GetValue(frames), parse.GetValue(frameHeight), parse.GetValue(frameWidth), parse.GetValue(text), parse.GetValue(heads), parse.GetValue(kvHeads),
                parse.GetValue(headDim), parse.GetValue(gridBlocks), parse.GetValue(boundaryBlocks), noiseLevel, parse.GetValue(seed));
            settings.Validate();
            (Synthetic.VideoAttentionData data, PermutedBlockIndex grid, VideoHeadResult[] results) = Consoles.WithProgress(report => VideoEvaluation.Run(settings, report));
            int n = data.Options.Modalities.SequenceLength;
            if (modalitiesPath is not null)
            {
                ModalityMapFile.Save(data.Options.Modalities, modalitiesPath);
            }

            if (tensorsPath is not null)
            {
                WriteTensors(tensorsPath, data);
            }

            if (plotDirectory is not null)
            {
                WritePicture(plotDirectory, settings, data, grid, results);
            }

            if (parse.GetValue(json))
            {
                var document = new VideoJson(
                    "cpu", n, settings.Frames, settings.FrameHeight, settings.FrameWidth, settings.TextTokens, settings.Heads, settings.KvHeads, settings.HeadDim,
                    settings.GridBlocks, settings.BoundaryBlocks, settings.Seed, results);
                Console.Out.WriteLine(JsonSerializer.Serialize(document, VideoJsonContext.Default.VideoJson));
            }
            else
            {
                VideoTables.Print(settings, n, results);
            }

            return ExitCode.Success;
        }));
        return command;
    }

    /// <summary>q, k, v as layer 0 of a capture (bf16), with the head kinds in the metadata.</summary>
    private static void WriteTensors(string path, Synthetic.VideoAttentionData data)
    {
        var writer = new IO.SafetensorsWriter();
        foreach ((string name, ReadOnlyHostTensor tensor) in (ReadOnlySpan<(string, ReadOnlyHostTensor)>)[("q", data.Q), ("k", data.K), ("v", data.V)])
        {
            writer.Add(Run.TensorFiles.HalfTensor(Run.CapturedTensors.Name(0, name), tensor.Data.Span, tensor.Layout, DType.BFloat16));
        }

        writer.SetMetadata("generator", "minference video (synthetic vision-language prompt)");
        writer.SetMetadata("head_kinds", string.Join(",", Enumerable.Range(0, data.Options.Heads).Select(head => data.KindOf(head).ToString())));
        writer.Write(path);
    }

    /// <summary>The first planted grid head (head 0): its three panels as <c>video-head00-grid.png</c>.</summary>
    private static void WritePicture(string directory, VideoSettings settings, Synthetic.VideoAttentionData data, PermutedBlockIndex grid, VideoHeadResult[] results)
    {
        const int head = 0;
        VideoHeadResult result = results[head];
        int n = data.Options.Modalities.SequenceLength;
        (double[,] original, double[,] reordered, double[,] kept) = PermutedPicture.Build(
            data.Q, data.K, head, head / (settings.Heads / settings.KvHeads), grid.Order(0, head), grid.VisibleKeys(0, head), Math.Min(128, n));
        string path = Path.Combine(PlotFileNames.PrepareDirectory(directory), PlotFileNames.ForVideoHead(head, "grid"));
        PatternPlot.WritePermutedTriple(path, new PermutedPlotData(
            string.Create(CultureInfo.InvariantCulture, $"head {head} · grid (stride {result.Stride}, phase {result.Phase}) · {settings.GridBlocks} blocks per row"),
            string.Create(CultureInfo.InvariantCulture, $"N = {n} · density {result.Grid.Density:P1} · recall {result.Grid.Recall:P1} · rel. L2 {result.Grid.RelativeL2:P1}"),
            n, original, reordered, kept));
    }
}

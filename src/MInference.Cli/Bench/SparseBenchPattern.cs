using MInference.Multimodal;
using MInference.Sparse.Patterns;
using MInference.Synthetic;

namespace MInference.Cli.Bench;

/// <summary>
/// The patterns `bench sparse` gives the heads, with the CLI name and the parameters reported in
/// `params`: head i runs <see cref="Cycle"/>[i mod its length] through the sparse prefill plan.
/// With video data, <see cref="VideoHeads"/> are the head kinds the data plants, cycled alike.
/// </summary>
/// <param name="Name">The CLI name (see <see cref="Names"/>).</param>
/// <param name="Cycle">The head patterns, cycled over the heads.</param>
/// <param name="Parameters">Pattern parameters by JSON key (e.g. vertical, slash).</param>
/// <param name="VideoHeads">The head kinds video data plants, cycled over the heads.</param>
internal sealed record SparseBenchPattern(
    string Name, IReadOnlyList<HeadPattern> Cycle, IReadOnlyList<KeyValuePair<string, double>> Parameters, IReadOnlyList<VideoHeadKind> VideoHeads)
{
    public const string VerticalSlash = "vs";
    public const string AShape = "ashape";
    public const string BlockSparse = "block";
    public const string Dense = "dense";
    public const string Grid = "grid";
    public const string QueryBoundary = "qboundary";
    public const string KeyBoundary = "kboundary";
    public const string TwoDBoundary = "2dboundary";
    public const string VisionLanguage = "vlm";

    public static readonly string[] Names = [VerticalSlash, AShape, BlockSparse, Dense, Grid, QueryBoundary, KeyBoundary, TwoDBoundary, VisionLanguage];

    /// <summary>The patterns that read a modality map, so need --data video.</summary>
    public static readonly string[] NeedVideo = [Grid, QueryBoundary, KeyBoundary, TwoDBoundary, VisionLanguage];

    public static SparseBenchPattern Create(string name, int verticalSize, int slashSize, int sinkTokens, int localWindow, int topK, int gridBlocks, int boundaryBlocks)
    {
        VideoHeadKind[] grid = [VideoHeadKind.Grid];
        KeyValuePair<string, double>[] verticalSlash = [new("vertical", verticalSize), new("slash", slashSize)];
        KeyValuePair<string, double>[] boundary = [new("boundary_blocks", boundaryBlocks)];
        return name switch
        {
            VerticalSlash => new(name, [new VerticalSlashPattern(verticalSize, slashSize)], verticalSlash, grid),
            AShape => new(name, [new AShapePattern(sinkTokens, localWindow)], [new("sink", sinkTokens), new("local", localWindow)], grid),
            BlockSparse => new(name, [new BlockSparsePattern(topK)], [new("top_k", topK)], grid),
            Dense => new(name, [new DensePattern()], [], grid),
            Grid => new(name, [new GridPattern(gridBlocks)], [new("grid_blocks", gridBlocks)], grid),
            QueryBoundary => new(name, [new BoundaryPattern(BoundaryKind.Query, boundaryBlocks, boundaryBlocks)], boundary, [VideoHeadKind.QueryBoundary]),
            KeyBoundary => new(name, [new BoundaryPattern(BoundaryKind.Key, boundaryBlocks, boundaryBlocks)], boundary, [VideoHeadKind.KeyBoundary]),
            TwoDBoundary => new(name, [new BoundaryPattern(BoundaryKind.TwoD, boundaryBlocks, boundaryBlocks)], boundary, [VideoHeadKind.TwoDBoundary]),
            // A vision-language layer: grid, text (vertical-slash) and the three boundary kinds, head by head.
            VisionLanguage => new(
                name,
                [new GridPattern(gridBlocks), new VerticalSlashPattern(verticalSize, slashSize), new BoundaryPattern(BoundaryKind.Query, boundaryBlocks, boundaryBlocks),
                 new BoundaryPattern(BoundaryKind.Key, boundaryBlocks, boundaryBlocks), new BoundaryPattern(BoundaryKind.TwoD, boundaryBlocks, boundaryBlocks)],
                [new("grid_blocks", gridBlocks), .. verticalSlash, .. boundary],
                [VideoHeadKind.Grid, VideoHeadKind.Text, VideoHeadKind.QueryBoundary, VideoHeadKind.KeyBoundary, VideoHeadKind.TwoDBoundary]),
            _ => throw new ArgumentException($"unknown pattern {name}; expected one of {string.Join(", ", Names)}", nameof(name)),
        };
    }

    /// <summary>For example <c>vs(vertical 1000, slash 6096)</c>.</summary>
    public override string ToString() =>
        Parameters.Count == 0 ? Name : $"{Name}({string.Join(", ", Parameters.Select(p => $"{p.Key} {p.Value}"))})";
}

using MInference.Multimodal;
using MInference.Sparse.Patterns;

namespace MInference.Cli.Bench;

/// <summary>
/// The pattern `bench sparse` gives every head, with its CLI name and the parameters reported in
/// `params`: a <see cref="HeadPattern"/> the sparse prefill plan runs, or for "grid" MMInference's
/// grid heads (<see cref="GridPattern"/>), which run their own pipeline (<see cref="GridBenchmark"/>).
/// </summary>
/// <param name="Name">The CLI name: vs, ashape, block, dense or grid.</param>
/// <param name="Pattern">The head pattern; null for grid.</param>
/// <param name="GridConfig">The grid pattern; null for the others.</param>
/// <param name="Parameters">Pattern parameters by JSON key (e.g. vertical, slash).</param>
internal sealed record SparseBenchPattern(string Name, HeadPattern? Pattern, GridPattern? GridConfig, IReadOnlyList<KeyValuePair<string, double>> Parameters)
{
    public const string VerticalSlash = "vs";
    public const string AShape = "ashape";
    public const string BlockSparse = "block";
    public const string Dense = "dense";
    public const string Grid = "grid";

    public static readonly string[] Names = [VerticalSlash, AShape, BlockSparse, Dense, Grid];

    public static SparseBenchPattern Create(string name, int verticalSize, int slashSize, int sinkTokens, int localWindow, int topK, int gridBlocks) => name switch
    {
        VerticalSlash => new(name, new VerticalSlashPattern(verticalSize, slashSize), null, [new("vertical", verticalSize), new("slash", slashSize)]),
        AShape => new(name, new AShapePattern(sinkTokens, localWindow), null, [new("sink", sinkTokens), new("local", localWindow)]),
        BlockSparse => new(name, new BlockSparsePattern(topK), null, [new("top_k", topK)]),
        Dense => new(name, new DensePattern(), null, []),
        Grid => new(name, null, new GridPattern(gridBlocks), [new("grid_blocks", gridBlocks)]),
        _ => throw new ArgumentException($"unknown pattern {name}; expected one of {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>For example <c>vs(vertical 1000, slash 6096)</c>.</summary>
    public override string ToString() =>
        Parameters.Count == 0 ? Name : $"{Name}({string.Join(", ", Parameters.Select(p => $"{p.Key} {p.Value}"))})";
}

using MInference.Sparse.Patterns;

namespace MInference.Cli.Bench;

/// <summary>The pattern `bench sparse` gives every head, with its CLI name and the parameters reported in `params`.</summary>
/// <param name="Name">The CLI name: vs, ashape, block or dense.</param>
/// <param name="Pattern">The head pattern.</param>
/// <param name="Parameters">Pattern parameters by JSON key (e.g. vertical, slash).</param>
internal sealed record SparseBenchPattern(string Name, HeadPattern Pattern, IReadOnlyList<KeyValuePair<string, double>> Parameters)
{
    public const string VerticalSlash = "vs";
    public const string AShape = "ashape";
    public const string BlockSparse = "block";
    public const string Dense = "dense";

    public static readonly string[] Names = [VerticalSlash, AShape, BlockSparse, Dense];

    public static SparseBenchPattern Create(string name, int verticalSize, int slashSize, int sinkTokens, int localWindow, int topK) => name switch
    {
        VerticalSlash => new(name, new VerticalSlashPattern(verticalSize, slashSize), [new("vertical", verticalSize), new("slash", slashSize)]),
        AShape => new(name, new AShapePattern(sinkTokens, localWindow), [new("sink", sinkTokens), new("local", localWindow)]),
        BlockSparse => new(name, new BlockSparsePattern(topK), [new("top_k", topK)]),
        Dense => new(name, new DensePattern(), []),
        _ => throw new ArgumentException($"unknown pattern {name}; expected one of {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>For example <c>vs(vertical 1000, slash 6096)</c>.</summary>
    public override string ToString() =>
        Parameters.Count == 0 ? Name : $"{Name}({string.Join(", ", Parameters.Select(p => $"{p.Key} {p.Value}"))})";
}

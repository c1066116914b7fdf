using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Cli.Bench;

/// <summary>One `bench sparse` case: a layer whose heads all use <paramref name="Pattern"/>, on one sequence.</summary>
/// <param name="Pattern">The pattern of every head.</param>
/// <param name="Problem">Sizes and dtype (batch 1, causal).</param>
/// <param name="Data">random, structured or video.</param>
/// <param name="Policy">The fallback policy the layer runs with.</param>
/// <param name="Warmup">Untimed runs first.</param>
/// <param name="Graph">Also time the layer replayed as a CUDA graph.</param>
/// <param name="Iterations">Timed runs per measurement; medians are reported.</param>
internal sealed record SparseBenchCase(SparseBenchPattern Pattern, AttentionProblem Problem, string Data, SparsePrefillOptions Policy, int Warmup, int Iterations, bool Graph = false)
{
    /// <summary>The layer's patterns, head by head.</summary>
    public HeadPattern[] HeadPatterns => [.. Enumerable.Range(0, Problem.Heads).Select(head => Pattern.Cycle[head % Pattern.Cycle.Count])];

    /// <summary>FLOPs of 4·entries·head_dim over <paramref name="milliseconds"/>, in TFLOP/s.</summary>
    public double Tflops(long entries, double milliseconds) => 4.0 * entries * Problem.HeadDim / (milliseconds * 1e9);
}

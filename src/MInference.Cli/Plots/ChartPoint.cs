namespace MInference.Cli.Plots;

/// <summary>One measured point of a <see cref="LineChart"/>.</summary>
/// <param name="Series">The line it belongs to, e.g. "sparse vs dense".</param>
/// <param name="SequenceLength">Tokens, &gt; 0 (the x axis).</param>
/// <param name="Value">The y value, finite and &gt; 0 (a speedup, milliseconds, …).</param>
internal sealed record ChartPoint(string Series, int SequenceLength, double Value);

namespace MInference.Cli.Plots;

/// <summary>One measured point of <see cref="SpeedupChart"/>.</summary>
/// <param name="Series">The line it belongs to, e.g. "sparse vs dense".</param>
/// <param name="SequenceLength">Tokens, &gt; 0.</param>
/// <param name="Speedup">Dense time over this time, finite and &gt; 0.</param>
internal sealed record SpeedupPoint(string Series, int SequenceLength, double Speedup);

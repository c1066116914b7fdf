namespace MInference.Cli;

/// <summary>What one demo run measured.</summary>
/// <param name="Backend">What ran, e.g. the device name.</param>
/// <param name="Milliseconds">Time of one attention call.</param>
/// <param name="TimingMethod">How <paramref name="Milliseconds"/> was measured.</param>
/// <param name="Errors">Output against the CPU reference on the checked rows.</param>
/// <param name="NonFiniteOutputCount">NaN or infinite values anywhere in the output (the output is poisoned with NaN first, so this also counts unwritten elements).</param>
/// <param name="CheckedRowCount">Query rows checked (in every head).</param>
/// <param name="Caveat">What the check does not show, if anything.</param>
internal sealed record DemoOutcome(
    string Backend, double Milliseconds, string TimingMethod, ErrorStatistics Errors, long NonFiniteOutputCount, int CheckedRowCount, string? Caveat);

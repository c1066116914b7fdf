namespace MInference.Cli;

/// <summary>What long work reports: a line saying what it does now, and units of work done.</summary>
internal sealed class WorkProgress(Action<string> describe, Action<double> advance)
{
    /// <summary>Drops every report (standard error is redirected).</summary>
    public static WorkProgress Silent { get; } = new(_ => { }, _ => { });

    public void Describe(string what) => describe(what);

    public void Advance(double units = 1) => advance(units);
}

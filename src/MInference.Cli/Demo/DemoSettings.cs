using MInference.Cli.Prefill;
using MInference.Sparse.Prefill;

namespace MInference.Cli.Demo;

/// <summary>Everything `minference demo` was asked to do, with the backend's defaults filled in.</summary>
internal sealed record DemoSettings(
    SyntheticModel Model,
    int[] SequenceLengths,
    string? ConfigPath,
    int SearchLength,
    double Budget,
    double MaxError,
    SparsePrefillOptions Policy,
    string? PlotDirectory,
    string PlotHeads,
    bool Json);

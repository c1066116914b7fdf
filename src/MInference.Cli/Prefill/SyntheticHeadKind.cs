using MInference.Synthetic;

namespace MInference.Cli.Prefill;

/// <summary>
/// A kind of head the synthetic model plants: which structure it attends to and how strongly
/// (<see cref="StructuredHeadProfile"/> weights; 3 makes the structure hold nearly all attention mass
/// at 128K tokens, as in real long-context heads). Where the band is weak, the diagonal rotations'
/// pseudo-random background along far offsets draws Vertical-Slash's slashes away from the band
/// (measured with the CPU references at 128K: density 34-42 % instead of 3-6 %), so every
/// structured kind keeps a strong band.
/// </summary>
internal sealed record SyntheticHeadKind(string Name, string Description, StructuredHeadProfile Profile)
{
    /// <summary>Attention sinks and the local band: what A-shape serves.</summary>
    public static SyntheticHeadKind SinkLocal { get; } = new("sink-local", "sinks + local band", new(Sink: 3, Vertical: 0, Local: 3, Diagonal: 0));

    /// <summary>Sinks, vertical keys, the band and strong far diagonals: what Vertical-Slash serves.</summary>
    public static SyntheticHeadKind SlashVertical { get; } = new("slash-vertical", "sinks + verticals + band + diagonals", new(Sink: 3, Vertical: 3, Local: 3, Diagonal: 1.5));

    /// <summary>Sinks, vertical keys and the local band.</summary>
    public static SyntheticHeadKind VerticalLocal { get; } = new("vertical-local", "sinks + verticals + local band", new(Sink: 3, Vertical: 3, Local: 3, Diagonal: 0));

    /// <summary>Everything at once, verticals and diagonals weaker.</summary>
    public static SyntheticHeadKind Mixture { get; } = new("mixture", "sinks + band, weaker verticals and diagonals", new(Sink: 3, Vertical: 2, Local: 3, Diagonal: 1));

    /// <summary>No structure above the noise: attention spreads over every key, only dense serves it.</summary>
    public static SyntheticHeadKind Diffuse { get; } = new("diffuse", "no structure (near-uniform attention)", new(Sink: 0.2, Vertical: 0.2, Local: 0.2, Diagonal: 0.2));

    /// <summary>Every kind, in the order heads cycle through them.</summary>
    public static IReadOnlyList<SyntheticHeadKind> All { get; } = [SinkLocal, SlashVertical, Mixture, VerticalLocal, SinkLocal, SlashVertical, Mixture, Diffuse];

    /// <summary>True for every kind with planted structure (the demo's accuracy target covers these).</summary>
    public bool IsStructured => this != Diffuse;
}

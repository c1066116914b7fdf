using MInference.Multimodal;

namespace MInference.Synthetic;

/// <summary>What <see cref="VideoAttentionData.Generate"/> builds: a vision-language prompt's q, k, v.</summary>
public sealed record VideoAttentionOptions
{
    /// <summary>The prompt: text and video segments; N is its length.</summary>
    public required ModalityMap Modalities { get; init; }

    /// <summary>Batch elements, ≥ 1 (the same prompt layout, different data).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Query heads, a multiple of <see cref="KvHeads"/>.</summary>
    public required int Heads { get; init; }

    /// <summary>Key/value heads, ≥ 1.</summary>
    public required int KvHeads { get; init; }

    /// <summary>head_dim, even and ≥ 32.</summary>
    public required int HeadDim { get; init; }

    /// <summary>Seeds every random choice: equal options give bit-identical tensors.</summary>
    public int Seed { get; init; }

    /// <summary>Per query head its kind, or empty for <see cref="VideoHeadKind.Grid"/> everywhere.</summary>
    public IReadOnlyList<VideoHeadKind> HeadKinds { get; init; } = [];

    /// <summary>
    /// The grid stride, ≥ 2, or 0 for the first video's tokens per frame (temporal lines). All grid
    /// heads share it: keys carry one grid.
    /// </summary>
    public int GridStride { get; init; }

    /// <summary>Phase of the vertical lines, in [0, stride).</summary>
    public int GridPhase { get; init; }

    /// <summary>Leading keys every head attends to (attention sinks), ≥ 0.</summary>
    public int SinkTokens { get; init; } = 4;

    /// <summary>Width of text heads' local band, ≥ 1.</summary>
    public int LocalWindow { get; init; } = 64;

    /// <summary>Frames over which a grid head's attention to earlier frames fades, ≥ 1.</summary>
    public int GridFadeFrames { get; init; } = 4;

    /// <summary>
    /// Multiplies every planted logit (sink, vertical, comb, fade, local, text keys), in (0, 8]: at
    /// long prompts the noise floor of a million keys outweighs logits of +5 to +7, where real heads
    /// keep almost all their mass on the structure; benchmarks at 1M tokens raise this.
    /// </summary>
    public double LogitScale { get; init; } = 1;

    /// <summary>Standard deviation of the Gaussian noise on every element of q and k, finite and ≥ 0.</summary>
    public double NoiseLevel { get; init; } = 0.25;
}

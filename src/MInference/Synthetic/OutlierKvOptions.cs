namespace MInference.Synthetic;

/// <summary>What <see cref="OutlierKvData.Generate"/> builds: sizes, the key statistics and two seeds.</summary>
public sealed record OutlierKvOptions
{
    /// <summary>Batch elements (sequences), &gt;= 1.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>N, tokens per sequence (positions 0 … N − 1), &gt;= 1.</summary>
    public required int SequenceLength { get; init; }

    /// <summary>Query heads, a multiple of <see cref="KvHeads"/>.</summary>
    public required int Heads { get; init; }

    /// <summary>Key/value heads, &gt;= 1.</summary>
    public required int KvHeads { get; init; }

    /// <summary>head_dim, even and &gt;= 8.</summary>
    public int HeadDim { get; init; } = 128;

    /// <summary>Key channels per kv head with a large mean, 0 to head_dim / 8.</summary>
    public int OutlierChannels { get; init; } = 4;

    /// <summary>The outlier channels' mean magnitude (a typical channel has mean about 0.5 and deviation about 1), finite and &gt;= 0.</summary>
    public double OutlierMagnitude { get; init; } = 10;

    /// <summary>RoPE base θ: pair i rotates by position · θ^(−2i / head_dim), finite and &gt; 1.</summary>
    public double RopeBase { get; init; } = 10000;

    /// <summary>Seeds the "model": per head channel means and scales, outlier channels, query biases. Equal model seeds give the same distributions.</summary>
    public int ModelSeed { get; init; }

    /// <summary>Seeds the "text": the per token noise. Calibrate on one sequence seed, evaluate on another.</summary>
    public int SequenceSeed { get; init; }
}

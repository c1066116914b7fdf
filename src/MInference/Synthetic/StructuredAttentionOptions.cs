namespace MInference.Synthetic;

/// <summary>What <see cref="StructuredAttentionData.Generate"/> builds: sizes, seed and the attention structure to plant.</summary>
public sealed record StructuredAttentionOptions
{
    /// <summary>Batch elements, &gt;= 1.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>N, the number of queries and keys, &gt;= 1.</summary>
    public required int SequenceLength { get; init; }

    /// <summary>Query heads, a multiple of <see cref="KvHeads"/>.</summary>
    public required int Heads { get; init; }

    /// <summary>Key/value heads, &gt;= 1; query head h reads key/value head h / (Heads / KvHeads).</summary>
    public required int KvHeads { get; init; }

    /// <summary>head_dim, even and &gt;= 8 (the structure needs room: see <see cref="StructuredAttentionData"/>).</summary>
    public required int HeadDim { get; init; }

    /// <summary>Seeds every random choice: equal options give bit-identical tensors.</summary>
    public int Seed { get; init; }

    /// <summary>Leading keys that every query attends to strongly (attention sinks), &gt;= 0.</summary>
    public int SinkTokens { get; init; } = 4;

    /// <summary>Width of the local band: query i attends to keys i − δ for small δ, fading over about this many keys; &gt;= 1.</summary>
    public int LocalWindow { get; init; } = 32;

    /// <summary>Offsets o &gt;= 0 of strong diagonals: query i attends to key i − o.</summary>
    public IReadOnlyList<int> DiagonalOffsets { get; init; } = [];

    /// <summary>Key positions in [0, N) that every later query attends to strongly ("vertical" lines).</summary>
    public IReadOnlyList<int> VerticalPositions { get; init; } = [];

    /// <summary>Standard deviation of the Gaussian noise added to every element of q and k, finite and &gt;= 0.</summary>
    public double NoiseLevel { get; init; } = 0.25;

    /// <summary>
    /// One profile per query head (<see cref="Heads"/> of them) scaling the head's planted logits,
    /// or empty for <see cref="StructuredHeadProfile.Default"/> everywhere. The same profiles apply
    /// in every batch element.
    /// </summary>
    public IReadOnlyList<StructuredHeadProfile> HeadProfiles { get; init; } = [];
}

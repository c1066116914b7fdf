using MInference.Sparse.Patterns;

namespace MInference.Benchmarks.Cpu;

/// <summary>
/// The layer and patterns the CPU benchmarks share: B = 1, 4 query heads over 2 kv heads, N = 1024,
/// D = 64 (16 query blocks of 64), bf16-rounded structured data; patterns that keep roughly a
/// quarter to a half of the causal entries at this length.
/// </summary>
public static class CpuLayer
{
    /// <summary>Query heads.</summary>
    public const int Heads = 4;

    /// <summary>Key/value heads.</summary>
    public const int KvHeads = 2;

    /// <summary>N.</summary>
    public const int SequenceLength = 1024;

    /// <summary>D.</summary>
    public const int HeadDim = 64;

    /// <summary>Benchmark category of the CPU group.</summary>
    public const string Category = "Cpu";

    /// <summary>Vertical-Slash: 64 columns, 256 diagonals.</summary>
    public static VerticalSlashPattern VerticalSlash { get; } = new(64, 256);

    /// <summary>Block-Sparse: 4 key blocks per query block.</summary>
    public static BlockSparsePattern BlockSparse { get; } = new(4);

    /// <summary>A-shape: 64 sink tokens and a 256-key local window.</summary>
    public static AShapePattern AShape { get; } = new(64, 256);

    /// <summary>A new layer of this shape.</summary>
    public static SyntheticLayer Create() => SyntheticLayer.Create(Heads, KvHeads, SequenceLength, HeadDim);
}

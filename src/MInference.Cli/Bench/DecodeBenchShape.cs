namespace MInference.Cli.Bench;

/// <summary>The shape of a `bench decode` case: sequences, heads, head_dim, PQ subspaces, dtype.</summary>
internal sealed record DecodeBenchShape(int Batch, int Heads, int KvHeads, int HeadDim, int Subspaces, DType DType);

namespace MInference.Tests.Gpu;

/// <summary>One sparse-attention GPU test: a pattern on structured data over a subset of 8 query heads sharing 2 kv heads.</summary>
public sealed record SparseCase(string Pattern, DType DType, int HeadDim, int Batch, int SequenceLength)
{
    public const int QueryHeads = 8;
    public const int KvHeads = 2;

    /// <summary>Listed out of order on purpose: index rows follow the list, not head numbers.</summary>
    public static readonly int[] Heads = [6, 1, 2];

    /// <summary>Above this length the CPU reference covers sampled rows only.</summary>
    public const int FullCheckLimit = 1024;

    public bool SampleRows => SequenceLength > FullCheckLimit;

    public override string ToString() => $"{Pattern} B{Batch} N{SequenceLength} D{HeadDim} {DType}";
}

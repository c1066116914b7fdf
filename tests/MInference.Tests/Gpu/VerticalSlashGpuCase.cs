using MInference.Sparse.Patterns;

namespace MInference.Tests.Gpu;

/// <summary>
/// One vertical-slash estimation/index GPU test: structured data over 8 query heads sharing 2 kv
/// heads, heads [6, 1, 2] listed (the constants of <see cref="SparseCase"/>).
/// </summary>
public sealed record VerticalSlashGpuCase(DType DType, int HeadDim, int Batch, int SequenceLength)
{
    /// <summary>
    /// MInference-like sizes: at short lengths a few non-forced choices beyond the 30 forced columns
    /// and 100 forced offsets; from 4096 on, counts in the hundreds to thousands, as real configs use.
    /// </summary>
    public VerticalSlashPattern Pattern => SequenceLength >= 4096 ? new VerticalSlashPattern(1000, 2048) : new VerticalSlashPattern(64, 256);

    /// <summary>Above this length the attention reference covers sampled rows only.</summary>
    public bool SampleRows => SequenceLength > SparseCase.FullCheckLimit;

    public override string ToString() => $"VS B{Batch} N{SequenceLength} D{HeadDim} {DType}";
}

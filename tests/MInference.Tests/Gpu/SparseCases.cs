namespace MInference.Tests.Gpu;

/// <summary>
/// The sparse-attention GPU grid: every pattern, N ∈ {64, 65, 1000, 4096} (and 16384 for one
/// configuration per pattern), head_dim 64 and 128, both dtypes, batch 1, plus batch 2 at N = 1000.
/// </summary>
public static class SparseCases
{
    public static readonly string[] Patterns = ["ashape", "block_sparse", "vertical_slash"];

    public static IEnumerable<SparseCase> All()
    {
        foreach (string pattern in Patterns)
        {
            foreach (DType dtype in new[] { DType.BFloat16, DType.Float16 })
            {
                foreach (int headDim in AttentionHeadDims.Supported)
                {
                    foreach (int n in new[] { 64, 65, 1000, 4096 })
                    {
                        yield return new SparseCase(pattern, dtype, headDim, Batch: 1, n);
                    }

                    yield return new SparseCase(pattern, dtype, headDim, Batch: 2, 1000);
                }
            }

            yield return new SparseCase(pattern, DType.BFloat16, 128, Batch: 1, 16384);
        }
    }
}

namespace MInference.Tests.Gpu;

/// <summary>The <see cref="MInference.Sparse.Prefill.SparsePrefill"/> grid: N ∈ {65, 1000, 4096}, batch 1 and 2, both dtypes, every supported head_dim, plus [B, N, H, D] memory.</summary>
public static class SparsePrefillCases
{
    public static IEnumerable<SparsePrefillCase> All()
    {
        foreach (DType dtype in new[] { DType.BFloat16, DType.Float16 })
        {
            foreach (int headDim in AttentionHeadDims.Supported)
            {
                foreach (int n in new[] { 65, 1000, 4096 })
                {
                    foreach (int batch in new[] { 1, 2 })
                    {
                        yield return new SparsePrefillCase(dtype, headDim, batch, n);
                    }
                }
            }
        }

        yield return new SparsePrefillCase(DType.BFloat16, 128, Batch: 2, 1000, MemoryOrder.Bshd);
        yield return new SparsePrefillCase(DType.Float16, 64, Batch: 1, 4096, MemoryOrder.Bshd);
        yield return new SparsePrefillCase(DType.BFloat16, 96, Batch: 2, 1000, MemoryOrder.Bshd);
    }
}

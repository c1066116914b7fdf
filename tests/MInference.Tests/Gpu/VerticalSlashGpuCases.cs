namespace MInference.Tests.Gpu;

/// <summary>
/// The vertical-slash estimation/index grid: N ∈ {1, 63, 64, 65, 1000, 4096, 16384} (below, at and
/// above one 64-row block and the 64 estimated rows, several blocks, long), head_dim 64 and 128,
/// both dtypes, batch 1, plus batch 2 at N = 1000.
/// </summary>
public static class VerticalSlashGpuCases
{
    public static readonly int[] Lengths = [1, 63, 64, 65, 1000, 4096, 16384];

    public static IEnumerable<VerticalSlashGpuCase> All()
    {
        foreach (DType dtype in new[] { DType.BFloat16, DType.Float16 })
        {
            foreach (int headDim in AttentionHeadDims.Supported)
            {
                foreach (int n in Lengths)
                {
                    yield return new VerticalSlashGpuCase(dtype, headDim, Batch: 1, n);
                }

                yield return new VerticalSlashGpuCase(dtype, headDim, Batch: 2, 1000);
            }
        }
    }
}

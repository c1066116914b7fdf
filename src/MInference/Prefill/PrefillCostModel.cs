namespace MInference.Prefill;

/// <summary>
/// What a head costs on a backend, for the fallback decision of a sparse layer: a head runs its
/// pattern only where the predicted cost of estimating its index and running it is below the cost of
/// dense causal attention. Costs are per 64×64 tile of query rows × keys at head_dim 128 (they scale
/// with head_dim) plus per-token estimation costs; any unit works, as long as one model uses one.
/// The same formulas decide on the host (<see cref="HeadCosts"/>) and, for vertical-slash heads,
/// on the device (<c>mi_vs_route</c>), so both backends decide identically from identical indices
/// under one model.
/// </summary>
public sealed record PrefillCostModel
{
    /// <summary>
    /// An H100 SXM (bf16, head_dim 128), in nanoseconds, from <c>minference bench sparse</c>
    /// (2026-12-06): the dense kernel runs 317 TFLOP/s causal (a 64×64 tile is 2.1 MFLOP: 6.6 ns),
    /// the block-sparse and A-shape kernels keep 90-92 % of that per tile, vertical-slash 82-88 %
    /// for its block runs and less for gathered columns. Vertical-slash estimation, selection,
    /// conversion and route cost about 120 µs per group (a dozen small launches) plus 0.45 ns per
    /// token per head (32 heads: 0.16 ms at 2K, 0.60 ms at 32K); block-sparse estimation about
    /// 15 µs plus 0.45 ns per token per head (0.45 ms at 128K × 8 heads). A launch costs the GPU
    /// about 4 µs of ramp-up and tail.
    /// </summary>
    public static PrefillCostModel H100 { get; } = new()
    {
        DenseTile = 6.6,
        AShapeTile = 7.2,
        BlockSparseTile = 7.3,
        VerticalSlashBlockTile = 7.7,
        VerticalSlashColumnTile = 8.5,
        VerticalSlashEstimatePerToken = 0.45,
        VerticalSlashEstimateFixed = 120_000,
        BlockSparseEstimatePerToken = 0.45,
        BlockSparseEstimateFixed = 15_000,
        Launch = 4000,
    };

    /// <summary>
    /// The CPU reference backend, in units of one computed entry's work: the references compute only
    /// the visible keys, so every tile costs the same whatever the pattern, and estimation is cheap
    /// (vertical-slash scores 64 query rows: 1/64 of a tile per token; block-sparse pools each token
    /// once). Nothing is launched.
    /// </summary>
    public static PrefillCostModel CpuReference { get; } = new()
    {
        DenseTile = 1,
        AShapeTile = 1,
        BlockSparseTile = 1,
        VerticalSlashBlockTile = 1,
        VerticalSlashColumnTile = 1,
        VerticalSlashEstimatePerToken = 1.0 / 64,
        BlockSparseEstimatePerToken = 1.0 / 64,
        Launch = 0,
    };

    /// <summary>
    /// Every sparse step free: each head keeps its pattern unless a density or length limit of the
    /// options says otherwise. For benchmarks and tests that measure the sparse kernels themselves.
    /// </summary>
    public static PrefillCostModel SparseAlways { get; } = new() { DenseTile = 1 };

    /// <summary>A causal 64×64 tile of the dense kernel (the fallback runs there).</summary>
    public double DenseTile { get; init; }

    /// <summary>A 64×64 tile of the A-shape kernel.</summary>
    public double AShapeTile { get; init; }

    /// <summary>A 64×64 tile of the block-sparse kernel.</summary>
    public double BlockSparseTile { get; init; }

    /// <summary>A 64-key block run of the vertical-slash kernel, for one 64-row query block.</summary>
    public double VerticalSlashBlockTile { get; init; }

    /// <summary>64 gathered columns of the vertical-slash kernel, for one 64-row query block.</summary>
    public double VerticalSlashColumnTile { get; init; }

    /// <summary>Vertical-slash estimation, selection and index conversion, per token of one head.</summary>
    public double VerticalSlashEstimatePerToken { get; init; }

    /// <summary>Vertical-slash estimation of one group, whatever its heads and length (its launches).</summary>
    public double VerticalSlashEstimateFixed { get; init; }

    /// <summary>Block-sparse estimation, per token of one head.</summary>
    public double BlockSparseEstimatePerToken { get; init; }

    /// <summary>Block-sparse estimation of one group, whatever its heads and length.</summary>
    public double BlockSparseEstimateFixed { get; init; }

    /// <summary>One extra kernel launch of a layer.</summary>
    public double Launch { get; init; }

    /// <summary>Checks that every cost is finite and >= 0, and the dense tile > 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">One is not.</exception>
    internal void Validate(string parameterName)
    {
        (string Name, double Value)[] costs =
        [
            (nameof(DenseTile), DenseTile), (nameof(AShapeTile), AShapeTile), (nameof(BlockSparseTile), BlockSparseTile),
            (nameof(VerticalSlashBlockTile), VerticalSlashBlockTile), (nameof(VerticalSlashColumnTile), VerticalSlashColumnTile),
            (nameof(VerticalSlashEstimatePerToken), VerticalSlashEstimatePerToken), (nameof(VerticalSlashEstimateFixed), VerticalSlashEstimateFixed),
            (nameof(BlockSparseEstimatePerToken), BlockSparseEstimatePerToken), (nameof(BlockSparseEstimateFixed), BlockSparseEstimateFixed),
            (nameof(Launch), Launch),
        ];
        foreach ((string name, double value) in costs)
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(parameterName, value, $"CostModel.{name} = {value}; expected a finite cost >= 0");
            }
        }

        if (DenseTile <= 0)
        {
            throw new ArgumentOutOfRangeException(parameterName, DenseTile, $"CostModel.DenseTile = {DenseTile}; expected a cost > 0");
        }
    }
}

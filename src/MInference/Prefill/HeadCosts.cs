using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Prefill;

/// <summary>
/// The cost formulas of the fallback decision, per head over the batch, shared by both backends.
/// <see cref="VerticalSlashRoute"/> is the host twin of the device's <c>mi_vs_route</c>: the same
/// integer sums, then the same double operations in the same order (no fused multiply-add on either
/// side), so identical indices give identical decisions.
/// </summary>
internal static class HeadCosts
{
    private const int Block = SparseBlocks.Size;

    /// <summary>Tile costs are measured at head_dim 128 and scale with it.</summary>
    public static double TileScale(int headDim) => headDim / 128.0;

    /// <summary>Causal 64×64 tiles of one head and batch element: q(q+1)/2 for q query blocks.</summary>
    public static long DenseTiles(int sequenceLength)
    {
        long q = SparseBlocks.Count(sequenceLength);
        return q * (q + 1) / 2;
    }

    /// <summary>Dense causal attention of one head over the batch.</summary>
    public static double Dense(PrefillCostModel model, int sequenceLength, int batch, int headDim) =>
        batch * DenseTiles(sequenceLength) * model.DenseTile * TileScale(headDim);

    /// <summary>A-shape of one head over the batch: its entries in whole tiles, plus one partial edge tile per query block.</summary>
    public static double AShape(PrefillCostModel model, AShapePattern pattern, int sequenceLength, int batch, int headDim)
    {
        long tiles = (SparseDensity.AShapeEntries(sequenceLength, pattern) / (Block * Block)) + SparseBlocks.Count(sequenceLength);
        return batch * Math.Min(tiles, DenseTiles(sequenceLength)) * model.AShapeTile * TileScale(headDim);
    }

    /// <summary>Block-sparse of one head over the batch: its estimation and one tile per index entry (the group's fixed costs apart).</summary>
    public static double BlockSparse(PrefillCostModel model, long indexEntriesPerBatch, int sequenceLength, int batch, int headDim) =>
        batch * ((sequenceLength * model.BlockSparseEstimatePerToken) + (indexEntriesPerBatch * model.BlockSparseTile * TileScale(headDim)));

    /// <summary>
    /// What a vertical-slash head is expected to cost over the batch before its index is known: its
    /// estimation, plus per query block the index of a head whose selection clusters as long-context
    /// heads do (slashes in contiguous bands, so S slashes make about S / 64 + 1 block runs, and V
    /// verticals V / 64 gathered tiles), each capped by the block's causal width. A head whose
    /// slashes scatter costs more; the device route (<see cref="VerticalSlashRoute"/>) catches it
    /// after estimation. Sizes that are large for the sequence (a configuration searched at a longer
    /// length) are expected to lose here, before anything is estimated.
    /// </summary>
    public static double VerticalSlashExpectedCost(PrefillCostModel model, VerticalSlashPattern pattern, int sequenceLength, int batch, int headDim)
    {
        int n = sequenceLength;
        long slashRuns = ((VerticalSlashEstimation.EffectiveSlashCount(pattern.SlashSize, n) + Block - 1) / Block) + 1;
        long verticalTiles = (VerticalSlashEstimation.EffectiveVerticalCount(pattern.VerticalSize, n) + Block - 1) / Block;
        long q = SparseBlocks.Count(n);
        long blockTiles = 0, columnTiles = 0;
        for (long block = 0; block < q; block++)
        {
            blockTiles += Math.Min(block + 1, slashRuns);
            columnTiles += Math.Min(block, verticalTiles);
        }

        double scale = TileScale(headDim);
        return batch * ((n * model.VerticalSlashEstimatePerToken)
            + (blockTiles * model.VerticalSlashBlockTile * scale) + (columnTiles * model.VerticalSlashColumnTile * scale));
    }

    /// <summary>
    /// The route of a vertical-slash head from its index, as <c>mi_vs_route</c> decides it: null to
    /// run sparse, else why it runs dense.
    /// </summary>
    /// <param name="blocks">Block starts of the head over every batch element.</param>
    /// <param name="columnTiles">Sum over its rows of ceil(columns / 64).</param>
    /// <param name="entries">Block starts × 64 + columns (an upper bound of its computed entries).</param>
    /// <param name="pastCapacity">Whether its rows of some batch element end past an index capacity.</param>
    /// <param name="costs">The tile costs passed to the device.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="sequenceLength">N.</param>
    /// <param name="maxDensity">The density limit.</param>
    public static DenseFallbackReason? VerticalSlashRoute(
        long blocks, long columnTiles, long entries, bool pastCapacity, VerticalSlashTileCosts costs, int batch, int sequenceLength, double maxDensity)
    {
        long q = SparseBlocks.Count(sequenceLength);
        long denseTiles = batch * (q * (q + 1) / 2);
        double causalEntries = batch * ((double)sequenceLength * (double)(sequenceLength + 1L) / 2);
        double blockCost = blocks * costs.Block;
        double columnCost = columnTiles * costs.Column;
        double sparseCost = blockCost + columnCost;
        double denseCost = denseTiles * costs.Dense;
        if (pastCapacity)
        {
            return DenseFallbackReason.IndexCapacity;
        }

        if (entries / causalEntries > maxDensity)
        {
            return DenseFallbackReason.DensityAboveLimit;
        }

        return sparseCost < denseCost ? null : DenseFallbackReason.PredictedSlower;
    }
}

/// <summary>The per-tile costs a vertical-slash route weighs (already scaled to the head_dim).</summary>
internal readonly record struct VerticalSlashTileCosts(double Block, double Column, double Dense)
{
    public static VerticalSlashTileCosts Of(PrefillCostModel model, int headDim)
    {
        double scale = HeadCosts.TileScale(headDim);
        return new(model.VerticalSlashBlockTile * scale, model.VerticalSlashColumnTile * scale, model.DenseTile * scale);
    }
}

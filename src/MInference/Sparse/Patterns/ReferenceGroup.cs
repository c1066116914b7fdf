using MInference.Sparse.Indexes;

namespace MInference.Sparse.Patterns;

/// <summary>
/// What the CPU reference computed for the heads of one pattern: each head's entries over the batch,
/// its visible keys (for pictures and recall), and for patterns routed after estimation the tile
/// counts the route weighs.
/// </summary>
/// <param name="Entries">Per listed head (in the order given), the (query, key) entries computed over the batch.</param>
/// <param name="VisibleKeys">Per listed head slot, the visible keys of each row of the first sequence.</param>
/// <param name="RouteTiles">Per listed head slot, the tiles of its estimated index; null when the pattern is decided before estimation.</param>
internal sealed record ReferenceGroup(long[] Entries, Func<int, Func<int, int[]>> VisibleKeys, IndexTiles[]? RouteTiles = null);

/// <summary>An estimated index's size for one head over the batch, as <c>mi_vs_route</c> counts it.</summary>
/// <param name="Blocks">Block runs.</param>
/// <param name="ColumnTiles">Sum over rows of ceil(columns / 64).</param>
/// <param name="EntriesBound">Block runs × 64 + columns.</param>
internal readonly record struct IndexTiles(long Blocks, long ColumnTiles, long EntriesBound)
{
    /// <summary>The tiles of a listed head of a vertical-slash index, over every batch element.</summary>
    public static IndexTiles Of(VerticalSlashIndex index, int headSlot)
    {
        long blocks = 0, columnTiles = 0, columns = 0;
        for (int batch = 0; batch < index.BatchSize; batch++)
        {
            for (int block = 0; block < index.QueryBlockCount; block++)
            {
                int b = index.GetBlockStarts(batch, headSlot, block).Length;
                int c = index.GetColumns(batch, headSlot, block).Length;
                blocks += b;
                columns += c;
                columnTiles += (c + SparseBlocks.Size - 1) / SparseBlocks.Size;
            }
        }

        return new IndexTiles(blocks, columnTiles, (blocks * SparseBlocks.Size) + columns);
    }
}

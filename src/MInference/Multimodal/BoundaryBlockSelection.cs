using MInference.Sparse;
using MInference.Sparse.Indexes;

namespace MInference.Multimodal;

/// <summary>
/// The CPU reference of boundary-head block selection: per (batch, head) the tokens are grouped by
/// modality (<see cref="ModalityOrder"/>; when the prompt has video and the head's video rows show a
/// grid — <see cref="GridEstimation"/> over the last queries up to the last video token, both
/// contrasts above <see cref="BoundaryOrdering.GridContrast"/> — the video group in grid order), then
/// each 64-slot query block keeps its diagonal block, the first reachable block of each key
/// modality group and the best blocks by pooled score within the budgets of its
/// <see cref="BoundaryPattern"/>. Blocks straddling two groups count in both.
/// </summary>
public static class BoundaryBlockSelection
{
    private const int Block = BlockSparseIndex.BlockSize;

    /// <summary>Selects for the given heads in every batch element.</summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="heads">The boundary heads (distinct, in [0, H)); the index follows this order.</param>
    /// <param name="modalities">The prompt's modality map (N tokens).</param>
    /// <param name="pattern">Kind and budgets.</param>
    /// <exception cref="ArgumentException">A shape rule is broken, the map's length is not N, or the head list is empty or repeats a head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head or a budget is out of range.</exception>
    public static PermutedBlockIndex Estimate(ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlySpan<int> heads, ModalityMap modalities, BoundaryPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        (CausalProblem problem, int[] headList) = PermutedSelection.Validate(q, k, heads, modalities, nameof(heads));
        int n = problem.SequenceLength;
        int blocks = SparseBlocks.Count(n);
        return PermutedSelection.Build(problem, headList, (batch, head) =>
        {
            (TokenOrder order, IReadOnlyList<ModalityGroup> groups) = ModalityOrder.Build(modalities, VideoGrid(q, k, batch, head, modalities, pattern.Boundary));
            var scores = new ReorderedBlockScores(new HeadRows(q, batch, head), new HeadRows(k, batch, head / problem.GroupSize), order);
            return (order, queryBlock => Select(scores, queryBlock, blocks, groups, pattern));
        });
    }

    private static int[] Select(ReorderedBlockScores scores, int queryBlock, int blocks, IReadOnlyList<ModalityGroup> groups, BoundaryPattern pattern)
    {
        Modality queryModality = groups.First(group => group.Start <= queryBlock * Block && queryBlock * Block < group.End).Modality;
        var kept = new SortedSet<int>();
        if (pattern.Boundary == BoundaryKind.Query)
        {
            int budget = queryModality == Modality.Text ? pattern.FirstBlocks : pattern.SecondBlocks;
            int[] groupFirsts = [.. groups.Select(group => group.Start / Block)];
            scores.SelectInRange(queryBlock, 0, blocks, budget, keyBlock => keyBlock == queryBlock || groupFirsts.Contains(keyBlock), kept);
            return [.. kept];
        }

        foreach (ModalityGroup keys in groups)
        {
            int budget = pattern.Boundary == BoundaryKind.Key
                ? (keys.Modality == Modality.Text ? pattern.FirstBlocks : pattern.SecondBlocks)
                : (keys.Modality == queryModality ? pattern.FirstBlocks : pattern.SecondBlocks);
            int first = keys.Start / Block, end = SparseBlocks.Count(keys.End);
            scores.SelectInRange(queryBlock, first, end, budget, keyBlock => keyBlock == queryBlock || keyBlock == first, kept);
        }

        return [.. kept];
    }

    /// <summary>
    /// The rules the device applies (<see cref="BoundaryGpu.Select"/>): the modality order with the
    /// video group in grid order where the head's video rows show a grid (as in <see cref="Estimate"/>),
    /// key ranges text blocks [0, tb) and video blocks
    /// [tb, blocks) (tb = ceil(T / 64), T the text tokens: the block holding both counts as text; a
    /// query block is text when it is below tb), and per range min(budget, range size) blocks — the
    /// diagonal, then the groups' first blocks, then by pooled score, unreachable ones last — with
    /// the budgets of <see cref="BoundaryPattern"/>'s kind. Rows then have a length fixed by their
    /// modality.
    /// </summary>
    /// <exception cref="ArgumentException">A shape rule is broken, the map's length is not N, or the head list is empty or repeats a head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head is out of range.</exception>
    public static PermutedBlockIndex SelectInModalityOrder(ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlySpan<int> heads, ModalityMap modalities, BoundaryPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        (CausalProblem problem, int[] headList) = PermutedSelection.Validate(q, k, heads, modalities, nameof(heads));
        int blocks = SparseBlocks.Count(problem.SequenceLength);
        int textTokens = modalities.Segments.Where(segment => segment.Modality == Modality.Text).Sum(segment => segment.Length);
        int textBlocks = SparseBlocks.Count(textTokens);
        int[] groupFirsts = textBlocks < blocks ? [0, textBlocks] : [0];
        return PermutedSelection.Build(problem, headList, (batch, head) =>
        {
            TokenOrder order = ModalityOrder.Build(modalities, VideoGrid(q, k, batch, head, modalities, pattern.Boundary)).Order;
            var scores = new ReorderedBlockScores(new HeadRows(q, batch, head), new HeadRows(k, batch, head / problem.GroupSize), order);
            return (order, queryBlock =>
            {
                bool textRow = queryBlock < textBlocks;
                if (pattern.Boundary == BoundaryKind.Query)
                {
                    return scores.SelectRange(queryBlock, 0, blocks, textRow ? pattern.FirstBlocks : pattern.SecondBlocks, groupFirsts);
                }

                bool ownText = pattern.Boundary == BoundaryKind.Key || textRow;
                int[] text = scores.SelectRange(queryBlock, 0, textBlocks, ownText ? pattern.FirstBlocks : pattern.SecondBlocks, groupFirsts);
                int[] video = scores.SelectRange(queryBlock, textBlocks, blocks, ownText ? pattern.SecondBlocks : pattern.FirstBlocks, groupFirsts);
                return [.. text, .. video];
            });
        });
    }

    /// <summary>
    /// The grid of a head's video rows (<see cref="GridEstimation"/> over the last queries up to the
    /// end of the last video segment), or null — position order — for K-boundary patterns (their
    /// video rows follow the keys' modality, not a grid: <see cref="BoundaryOrdering.Grids"/>), when
    /// the prompt has no video, or when either contrast of the chosen stride is at most
    /// <see cref="BoundaryOrdering.GridContrast"/>.
    /// </summary>
    private static GridEstimate? VideoGrid(ReadOnlyHostTensor q, ReadOnlyHostTensor k, int batch, int head, ModalityMap modalities, BoundaryKind kind)
    {
        if (!modalities.HasVideo || !BoundaryOrdering.Grids(kind))
        {
            return null;
        }

        GridEstimate grid = GridEstimation.Estimate(q, k, batch, head, modalities, new GridEstimationOptions { QueryModality = Modality.Video });
        return grid.DiagonalContrast > BoundaryOrdering.GridContrast && grid.VerticalContrast > BoundaryOrdering.GridContrast ? grid : null;
    }

    /// <summary>
    /// Kept blocks of one (batch, head) under the device rules: the text query blocks (below tb)
    /// times a text row's length plus the video query blocks times a video row's (mi_boundary_select_index_size).
    /// </summary>
    internal static long TilesPerHead(BoundaryPattern pattern, long textTokens, int sequenceLength)
    {
        long blocks = SparseBlocks.Count(sequenceLength), textBlocks = (textTokens + Block - 1) / Block, videoBlocks = blocks - textBlocks;
        (long text, long video) = pattern.Boundary switch
        {
            BoundaryKind.Query => (Math.Min(pattern.FirstBlocks, blocks), Math.Min(pattern.SecondBlocks, blocks)),
            BoundaryKind.Key => (Math.Min(pattern.FirstBlocks, textBlocks) + Math.Min(pattern.SecondBlocks, videoBlocks),
                                 Math.Min(pattern.FirstBlocks, textBlocks) + Math.Min(pattern.SecondBlocks, videoBlocks)),
            _ => (Math.Min(pattern.FirstBlocks, textBlocks) + Math.Min(pattern.SecondBlocks, videoBlocks),
                  Math.Min(pattern.FirstBlocks, videoBlocks) + Math.Min(pattern.SecondBlocks, textBlocks)),
        };
        return (textBlocks * text) + (videoBlocks * video);
    }
}

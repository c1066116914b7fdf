using MInference.Sparse.Patterns;
using MInference.Sparse.Patterns.Kinds;

namespace MInference.Evaluation;

/// <summary>
/// The candidate grid of <see cref="PatternSearch"/>, scaled to the sample's length N so it spans
/// densities from about 1/64 to 1/4 at any N: A-shape with 64 sinks and a local window of N/32 to
/// N/4; Vertical-Slash with N/64 to N/8 slashes and as many verticals, or 100 (the first 30 key
/// columns are always kept, so fewer would leave no room for the head's own verticals); Block-Sparse
/// with N/1024 to N/256 key blocks (1/16 to 1/4 of the query blocks). Sizes are rounded up to
/// multiples of 64 (blocks to whole numbers) and de-duplicated. On a prompt with video (a modality
/// map), MMInference's grid heads join with N/4096 to N/512 kept blocks per query block.
/// </summary>
public static class SearchCandidates
{
    /// <summary>The grid for a sample of <paramref name="sequenceLength"/> tokens, cheapest kind first.</summary>
    /// <param name="sequenceLength">N, ≥ 1.</param>
    /// <param name="modalities">The sample's modality map, or null for a text prompt (no grid candidates).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceLength"/> is below 1.</exception>
    public static IReadOnlyList<HeadPattern> For(int sequenceLength, Multimodal.ModalityMap? modalities = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        return PatternKinds.All.Where(kind => kind.AppliesTo(modalities)).OrderBy(kind => kind.SearchRank)
            .SelectMany(kind => kind.SearchCandidates(sequenceLength)).Distinct().ToArray();
    }
}

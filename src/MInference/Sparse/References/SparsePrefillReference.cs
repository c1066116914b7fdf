using MInference.Sparse.Config;
using MInference.Sparse.Estimation;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.References;

/// <summary>
/// The CPU reference of one layer's dynamic sparse prefill, as MInference runs it: every query head
/// uses its own pattern; heads that share a pattern are estimated and computed together (one GPU
/// launch per group). Vertical-Slash heads are estimated with <see cref="VerticalSlashEstimation"/>
/// and indexed with <see cref="VerticalSlashIndexBuilder"/>, Block-Sparse heads with
/// <see cref="BlockSparseEstimation"/>; then <see cref="SparseAttentionReference"/> computes each group.
/// </summary>
public static class SparsePrefillReference
{
    /// <summary>Computes every query head of a layer with its pattern.</summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="v">Values, [B, Hkv, N, D].</param>
    /// <param name="headPatterns">One pattern per query head, H of them (e.g. a layer of a <see cref="HeadPatternConfig"/>).</param>
    /// <param name="output">Written: [B, H, N, D]; must not overlap the inputs.</param>
    /// <param name="logSumExp">Optional (empty for none), written: [B, H, N] contiguous, natural log.</param>
    /// <param name="options">Softmax scale (used by the Vertical-Slash estimation too) and query rows.</param>
    /// <exception cref="ArgumentException">A shape rule is broken, the number of patterns is not H, the output overlaps an input, or <paramref name="logSumExp"/> is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A row is out of range, or the scale is invalid.</exception>
    public static void RunLayer(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, IReadOnlyList<HeadPattern> headPatterns, HostTensor output,
        Memory<float> logSumExp = default, SparseReferenceOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(headPatterns);
        CausalProblem problem = CausalProblem.Validate(q, k, v, output);
        if (headPatterns.Count != problem.QHeads)
        {
            throw new ArgumentException($"headPatterns holds {headPatterns.Count} patterns; expected one per query head, {problem.QHeads}", nameof(headPatterns));
        }

        for (int head = 0; head < headPatterns.Count; head++)
        {
            if (headPatterns[head] is null)
            {
                throw new ArgumentException($"headPatterns[{head}] is null; expected a pattern", nameof(headPatterns));
            }
        }

        foreach (PatternHeadGroup group in PatternGrouping.Group(headPatterns))
        {
            group.Pattern.RunReference(q, k, v, group.Heads.ToArray(), output, logSumExp, options);
        }
    }
}

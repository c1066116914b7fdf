using MInference.Sparse;
using MInference.Sparse.Estimation;

namespace MInference.Multimodal;

/// <summary>
/// The CPU reference of online grid estimation for one (batch, head), from the last-query
/// approximation: the last L queries (L = 64, or N) attend causally to every key in double; their
/// attention summed per key offset o = i − j gives the diagonal profile, and summed per key the
/// column profile. For each candidate stride s (the modality map's frame and row sizes, and every
/// small stride 2 … <see cref="GridEstimationOptions.MaxSearchStride"/>) two contrasts measure how
/// periodic the head is at s:
/// <list type="bullet">
/// <item>diagonal: the median profile at offsets s, 2s, … over its mean at every offset ≥ 1;</item>
/// <item>vertical: the best phase class's median column score over the mean column score (columns
/// the last queries' own local window reaches are left out, as that band is not a grid line).</item>
/// </list>
/// Medians, because a head's attention sinks or its local band put a few very large values into
/// whichever class or multiple holds them, and a mean would read that as a grid. A median is taken
/// over at most <see cref="MedianSample"/> evenly spaced members (member ⌊i · count / 256⌋ for
/// i = 0 … 255): at a million tokens a small stride has hundreds of thousands of multiples, and
/// the sample keeps the cost (and a GPU version's shared-memory sort) fixed.
/// The score is their sum. Any multiple of the true stride scores as well as the stride itself (its
/// peaks are a subset of the same lines) while a divisor scores lower (half its points miss), so the
/// smallest candidate within <see cref="GridEstimationOptions.Tolerance"/> of the best score wins.
/// The phase is the best class at that stride.
/// </summary>
public static class GridEstimation
{
    /// <summary>Members a median is taken over, at most (evenly spaced when there are more).</summary>
    public const int MedianSample = 256;

    /// <summary>Estimates stride and phase of query head <paramref name="head"/> in batch element <paramref name="batch"/>.</summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D]; query head h reads key head h / (H / Hkv).</param>
    /// <param name="batch">In [0, B).</param>
    /// <param name="head">In [0, H).</param>
    /// <param name="modalities">The prompt's modality map (N tokens): its videos' strides are candidates.</param>
    /// <param name="options">Search settings; null for the defaults.</param>
    /// <returns>The estimate; stride 1 (the identity permutation) when N is too short for any candidate (N &lt; 2 · 2 + L).</returns>
    /// <exception cref="ArgumentException">A shape rule is broken or the map's length is not N.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The batch element or head is out of range.</exception>
    public static GridEstimate Estimate(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, int batch, int head, ModalityMap modalities, GridEstimationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modalities);
        options ??= new GridEstimationOptions();
        options.Validate();
        CausalProblem problem = CausalProblem.Validate(q, k);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batch, problem.Batch);
        ArgumentOutOfRangeException.ThrowIfNegative(head);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(head, problem.QHeads);
        int n = problem.SequenceLength;
        if (modalities.SequenceLength != n)
        {
            throw new ArgumentException($"the modality map covers {modalities.SequenceLength} tokens; expected N = {n}", nameof(modalities));
        }

        // The query rows: the last L tokens, or the last L up to the chosen modality's last token.
        int endRow = n;
        int last = Math.Min(options.LastQueries, n);
        if (options.QueryModality is { } modality)
        {
            ModalitySegment? segment = modalities.Segments.LastOrDefault(candidate => candidate.Modality == modality);
            if (segment is null)
            {
                return new GridEstimate(1, 0, 1, 1);  // no rows of that modality: the identity
            }

            endRow = segment.End;
            last = Math.Min(options.LastQueries, endRow);
        }

        int firstRow = endRow - last;
        var diagonal = new double[n];
        var columns = new double[n];
        VerticalSlashEstimation.RowProfiles(
            new HeadRows(q, batch, head), new HeadRows(k, batch, head / problem.GroupSize), firstRow, endRow, 1.0 / Math.Sqrt(problem.HeadDim), columns, diagonal);

        // Offsets every one of those queries can reach, and columns before their local window.
        int maxOffset = firstRow;
        int columnEnd = firstRow - last;
        double bestScore = double.NegativeInfinity;
        var scored = new List<(int Stride, double Score, GridEstimate Estimate)>();
        foreach (int stride in Candidates(modalities, options.MaxSearchStride, maxOffset))
        {
            double diagonalContrast = DiagonalContrast(diagonal, stride, maxOffset);
            (int phase, double verticalContrast) = columnEnd >= 2 * stride ? BestPhase(columns, stride, columnEnd) : (0, 1.0);
            double score = diagonalContrast + verticalContrast;
            scored.Add((stride, score, new GridEstimate(stride, phase, diagonalContrast, verticalContrast)));
            bestScore = Math.Max(bestScore, score);
        }

        foreach ((int _, double score, GridEstimate estimate) in scored.OrderBy(entry => entry.Stride))
        {
            if (score >= bestScore * (1 - options.Tolerance))
            {
                return estimate;
            }
        }

        return new GridEstimate(1, 0, 1, 1);  // no candidate fits: the identity
    }

    /// <summary>Candidate strides with at least two multiples among the reachable offsets, ascending.</summary>
    private static IEnumerable<int> Candidates(ModalityMap modalities, int maxSearchStride, int maxOffset) =>
        CandidateStrides(modalities, maxSearchStride).Where(stride => 2L * stride <= maxOffset);

    /// <summary>Every candidate stride, ascending and distinct: 2 … <paramref name="maxSearchStride"/> and the map's video strides.</summary>
    internal static int[] CandidateStrides(ModalityMap modalities, int maxSearchStride) =>
        [.. Enumerable.Range(2, Math.Max(0, maxSearchStride - 1)).Concat(modalities.VideoStrides()).Distinct().Order()];

    /// <summary>The median profile at the stride's multiples over the mean profile (medians: one strong offset or sink cannot fake a grid).</summary>
    private static double DiagonalContrast(double[] diagonal, int stride, int maxOffset)
    {
        double all = 0;
        for (int offset = 1; offset <= maxOffset; offset++)
        {
            all += diagonal[offset];
        }

        var multiples = new List<double>();
        for (int offset = stride; offset <= maxOffset; offset += stride)
        {
            multiples.Add(diagonal[offset]);
        }

        return all > 0 ? Median(multiples) / (all / maxOffset) : 1;
    }

    private static (int Phase, double Contrast) BestPhase(double[] columns, int stride, int columnEnd)
    {
        double all = 0;
        for (int key = 0; key < columnEnd; key++)
        {
            all += columns[key];
        }

        if (all <= 0)
        {
            return (0, 1);
        }

        int phase = 0;
        double best = double.NegativeInfinity;
        var members = new List<double>();
        for (int phaseClass = 0; phaseClass < stride; phaseClass++)
        {
            members.Clear();
            for (int key = phaseClass; key < columnEnd; key += stride)
            {
                members.Add(columns[key]);
            }

            double median = Median(members);
            if (median > best)
            {
                best = median;
                phase = phaseClass;
            }
        }

        return (phase, best / (all / columnEnd));
    }

    private static double Median(List<double> values)
    {
        if (values.Count > MedianSample)
        {
            double[] sample = [.. Enumerable.Range(0, MedianSample).Select(i => values[(int)((long)i * values.Count / MedianSample)])];
            values.Clear();
            values.AddRange(sample);
        }

        values.Sort();
        int middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}

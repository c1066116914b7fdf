namespace MInference.Sparse;

/// <summary>
/// How <see cref="SparsePrefill"/> runs a layer: when a head falls back to dense causal attention
/// (where its sparse pattern would not be cheaper), and what the report measures. The defaults
/// suit production use; the measuring options are for benchmarks and tests.
/// </summary>
public sealed record SparsePrefillOptions
{
    /// <summary>
    /// The default <see cref="MinSequenceLength"/>, 4096. Below it a sparse head saves little:
    /// dense causal attention of 32 heads at 4K takes about 0.6 ms on an H100 (README), while
    /// vertical-slash estimation and index conversion cost launches, allocations and one host round
    /// trip per group whatever the length. Re-measure with <c>minference bench sparse</c>.
    /// </summary>
    public const int DefaultMinSequenceLength = 4096;

    /// <summary>
    /// The default <see cref="MinEstimatedSequenceLength"/>, 16384. Measured on an H100 (bench sparse,
    /// 32 heads over 8 kv heads, head_dim 128, structured data, vertical-slash (100, 800)): estimation,
    /// index conversion and the driver's host round trips and allocations cost 0.6-1.4 ms per layer,
    /// so the pattern ran at 0.09× dense at 1K tokens, 0.39× at 4K and 0.60× at 8K, and won from 16K
    /// (1.12×; 2.23× at 32K). A-shape, which needs no estimation, won from 4K (1.57×).
    /// </summary>
    public const int DefaultMinEstimatedSequenceLength = 16384;

    /// <summary>
    /// The default <see cref="MaxDensity"/>, 0.8. Measured on an H100: the vertical-slash kernel
    /// keeps about 82-86 % of the dense kernel's TFLOP/s per computed entry, so a sparse head is
    /// cheaper than dense only while it computes less than about 0.8 of the causal entries.
    /// </summary>
    public const double DefaultMaxDensity = 0.8;

    /// <summary>
    /// Sequences shorter than this run every head with dense causal attention (reason
    /// <see cref="DenseFallbackReason.ShortSequence"/>), skipping estimation; &gt;= 0 (0 or 1: never).
    /// </summary>
    public int MinSequenceLength { get; init; } = DefaultMinSequenceLength;

    /// <summary>
    /// Sequences shorter than this run the heads of patterns that need an estimate (vertical-slash,
    /// block-sparse) dense (reason <see cref="DenseFallbackReason.ShortSequence"/>), skipping the
    /// estimation, whose fixed cost outweighs the savings at short lengths; &gt;= 0 (0 or 1: never).
    /// <see cref="MinSequenceLength"/> applies to every pattern on top of it.
    /// </summary>
    public int MinEstimatedSequenceLength { get; init; } = DefaultMinEstimatedSequenceLength;

    /// <summary>
    /// A sparse head whose density (the fraction of the N(N+1)/2 causal entries its pattern would
    /// compute, see <see cref="SparseDensity"/>) exceeds this runs dense instead (reason
    /// <see cref="DenseFallbackReason.DensityAboveLimit"/>); in [0, 1] (1: never, 0: every sparse head).
    /// A-shape densities are known in advance; block-sparse and vertical-slash densities are counted
    /// on the index the GPU built, for the head over every batch element.
    /// </summary>
    public double MaxDensity { get; init; } = DefaultMaxDensity;

    /// <summary>
    /// Times estimation, index conversion and attention of every group with CUDA events
    /// (<see cref="SparsePrefillReport.StepTimes"/>). Off by default: each timed step waits for the GPU.
    /// </summary>
    public bool MeasureStepTimes { get; init; }

    /// <summary>
    /// Counts vertical-slash entries exactly, by streaming every index's block starts to the host
    /// (slow at long sequences; for benchmarks). Otherwise they are bounded from the per-row block
    /// and column counts alone, at most 63 keys per row above the exact count (126/N of a head's
    /// causal entries). Other patterns are always counted exactly.
    /// </summary>
    public bool ExactDensity { get; init; }

    /// <summary>
    /// Puts a host copy of every index the layer ran into the report
    /// (<see cref="PatternGroupReport.VerticalSlashIndex"/>, <see cref="PatternGroupReport.BlockSparseIndex"/>),
    /// e.g. to check the output against the CPU reference on the same indices; densities are then
    /// counted exactly on the copies. Slow and memory-hungry at long sequences.
    /// </summary>
    public bool KeepIndices { get; init; }

    /// <summary>True when a sequence of <paramref name="sequenceLength"/> tokens runs the heads of <paramref name="pattern"/> dense.</summary>
    internal bool IsTooShort(int sequenceLength, HeadPattern pattern) =>
        sequenceLength < MinSequenceLength
        || (pattern is VerticalSlashPattern or BlockSparsePattern && sequenceLength < MinEstimatedSequenceLength);

    /// <summary>True when a head of this density runs dense.</summary>
    internal bool IsTooDense(double density) => density > MaxDensity;

    /// <summary>Checks the ranges of the policy.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    internal void Validate(string parameterName)
    {
        if (MinSequenceLength < 0)
        {
            throw new ArgumentOutOfRangeException(parameterName, MinSequenceLength, $"MinSequenceLength = {MinSequenceLength}; expected a length >= 0");
        }

        if (MinEstimatedSequenceLength < 0)
        {
            throw new ArgumentOutOfRangeException(
                parameterName, MinEstimatedSequenceLength, $"MinEstimatedSequenceLength = {MinEstimatedSequenceLength}; expected a length >= 0");
        }

        if (!(MaxDensity is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(parameterName, MaxDensity, $"MaxDensity = {MaxDensity}; expected a fraction in [0, 1]");
        }
    }
}

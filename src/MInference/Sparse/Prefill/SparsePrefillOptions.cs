using MInference.Prefill;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.Prefill;

/// <summary>
/// How a sparse layer runs (<see cref="SparsePrefillPlan"/>, <see cref="SparsePrefill"/>):
/// when a head falls back to dense causal attention, and what the report measures. A head keeps its
/// pattern only where the <see cref="CostModel"/> predicts it cheaper than dense: before estimation
/// for patterns whose cost is known in advance, on the device from the estimated index for
/// vertical-slash. The defaults suit production use; the length limits are manual overrides and the
/// measuring options are for benchmarks and tests.
/// </summary>
public sealed record SparsePrefillOptions
{
    /// <summary>
    /// The default <see cref="MaxDensity"/>, 0.8. Measured on an H100: the vertical-slash kernel
    /// keeps about 82-86 % of the dense kernel's TFLOP/s per computed entry, so a sparse head is
    /// cheaper than dense only while it computes less than about 0.8 of the causal entries.
    /// </summary>
    public const double DefaultMaxDensity = 0.8;

    /// <summary>The default <see cref="MaxIndexBytes"/>: 4 GiB.</summary>
    public const long DefaultMaxIndexBytes = 4L << 30;

    /// <summary>
    /// The costs the fallback decision weighs; null for the backend's own
    /// (<see cref="PrefillCostModel.H100"/> on the GPU, <see cref="PrefillCostModel.CpuReference"/> on the CPU backend).
    /// </summary>
    public PrefillCostModel? CostModel { get; init; }

    /// <summary>
    /// The most device memory a plan reserves for estimated indices (vertical-slash block runs and
    /// columns). Each index is reserved at its worst case; when the worst cases of a layer pass this,
    /// every index gets the same share, and a head whose index does not fit runs dense (reason
    /// <see cref="DenseFallbackReason.IndexCapacity"/>); &gt;= 0.
    /// </summary>
    public long MaxIndexBytes { get; init; } = DefaultMaxIndexBytes;

    /// <summary>
    /// Sequences shorter than this run every head with dense causal attention (reason
    /// <see cref="DenseFallbackReason.ShortSequence"/>), skipping estimation; &gt;= 0 (0 or 1, the
    /// default: never; the cost model decides).
    /// </summary>
    public int MinSequenceLength { get; init; }

    /// <summary>
    /// Sequences shorter than this run the heads of patterns that need an estimate (vertical-slash,
    /// block-sparse) dense (reason <see cref="DenseFallbackReason.ShortSequence"/>), skipping the
    /// estimation; &gt;= 0 (0 or 1, the default: never; the cost model decides).
    /// <see cref="MinSequenceLength"/> applies to every pattern on top of it.
    /// </summary>
    public int MinEstimatedSequenceLength { get; init; }

    /// <summary>
    /// A sparse head whose density (the fraction of the N(N+1)/2 causal entries its pattern would
    /// compute, see <see cref="SparseDensity"/>) exceeds this runs dense instead (reason
    /// <see cref="DenseFallbackReason.DensityAboveLimit"/>); in [0, 1] (1: never, 0: every sparse head).
    /// A-shape densities are known in advance; block-sparse and vertical-slash densities are counted
    /// on the index the GPU built, for the head over every batch element.
    /// </summary>
    public double MaxDensity { get; init; } = DefaultMaxDensity;

    /// <summary>
    /// Lets a <see cref="SparsePrefillPlan"/> replay its runs as a CUDA graph when it is run
    /// again on the same operands (on by default): the host then issues one launch per layer instead
    /// of one per kernel. Off, every run enqueues its kernels one by one.
    /// </summary>
    public bool ReplayGraphs { get; init; } = true;

    /// <summary>
    /// Lets a <see cref="SparsePrefillPlan"/> run its pattern groups on streams of their own,
    /// so their estimations and launches overlap (on by default; step timing runs them in order).
    /// </summary>
    public bool ConcurrentGroups { get; init; } = true;

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

    /// <summary>
    /// The prompt's modality map (text and video segments; N tokens): MMInference's grid heads take
    /// candidate strides from its videos' frame and row sizes. Null: the prompt is all text (grid
    /// heads search small strides only).
    /// </summary>
    public Multimodal.ModalityMap? Modalities { get; init; }

    /// <summary>True when a sequence of <paramref name="sequenceLength"/> tokens runs the heads of <paramref name="pattern"/> dense.</summary>
    internal bool IsTooShort(int sequenceLength, HeadPattern pattern) =>
        sequenceLength < MinSequenceLength
        || (pattern.IsEstimated && sequenceLength < MinEstimatedSequenceLength);

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

        if (MaxIndexBytes < 0)
        {
            throw new ArgumentOutOfRangeException(parameterName, MaxIndexBytes, $"MaxIndexBytes = {MaxIndexBytes}; expected a size >= 0");
        }

        CostModel?.Validate(parameterName);
        if (!(MaxDensity is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(parameterName, MaxDensity, $"MaxDensity = {MaxDensity}; expected a fraction in [0, 1]");
        }
    }
}

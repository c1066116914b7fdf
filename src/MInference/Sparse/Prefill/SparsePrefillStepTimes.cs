using MInference.Sparse.Gpu;

namespace MInference.Sparse.Prefill;

/// <summary>
/// GPU milliseconds of the steps of a sparse prefill, each timed with CUDA events around its launches.
/// </summary>
/// <param name="EstimateMilliseconds">
/// Choosing what to compute: vertical-slash scoring and selection
/// (<see cref="VerticalSlashStepTimes.EstimateMilliseconds"/> + <see cref="VerticalSlashStepTimes.SelectMilliseconds"/>),
/// or the whole block-sparse estimation, which builds its index directly.
/// </param>
/// <param name="IndexMilliseconds">The vertical-slash index conversion (<see cref="VerticalSlashStepTimes.IndexMilliseconds"/>); 0 for other patterns.</param>
/// <param name="AttentionMilliseconds">The attention launches.</param>
public readonly record struct SparsePrefillStepTimes(float EstimateMilliseconds, float IndexMilliseconds, float AttentionMilliseconds)
{
    /// <summary>All three steps.</summary>
    public float TotalMilliseconds => EstimateMilliseconds + IndexMilliseconds + AttentionMilliseconds;

    /// <summary>The step-by-step sum of two measurements.</summary>
    internal SparsePrefillStepTimes Add(SparsePrefillStepTimes other) => new(
        EstimateMilliseconds + other.EstimateMilliseconds,
        IndexMilliseconds + other.IndexMilliseconds,
        AttentionMilliseconds + other.AttentionMilliseconds);
}

using MInference.Sparse.Patterns;

namespace MInference.Sparse.Gpu;

/// <summary>
/// GPU milliseconds of the three steps of
/// <see cref="VerticalSlashGpu.BuildIndex(GpuContext, DeviceTensor, DeviceTensor, ReadOnlySpan{int}, VerticalSlashPattern, float?, GpuTimer?)"/>,
/// each timed with CUDA events around its launches (buffers are allocated before the timed region).
/// MInference's "estimation" is <see cref="EstimateMilliseconds"/> + <see cref="SelectMilliseconds"/>.
/// </summary>
/// <param name="EstimateMilliseconds">Scoring the last 64 queries against every key (mi_vs_estimate).</param>
/// <param name="SelectMilliseconds">Choosing the verticals and slashes (mi_vs_select).</param>
/// <param name="IndexMilliseconds">
/// The index conversion from the count launch to the end of the fill launch, including what lies
/// between them: reading the two totals back (a host round trip) and allocating the value buffers.
/// </param>
public readonly record struct VerticalSlashStepTimes(float EstimateMilliseconds, float SelectMilliseconds, float IndexMilliseconds)
{
    /// <summary>All three steps.</summary>
    public float TotalMilliseconds => EstimateMilliseconds + SelectMilliseconds + IndexMilliseconds;
}

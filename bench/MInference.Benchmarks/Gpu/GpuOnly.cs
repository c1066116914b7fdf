namespace MInference.Benchmarks.Gpu;

/// <summary>
/// The guard of the GPU group: <see cref="BenchmarkConfig"/> leaves the category out (with a console
/// message) where <see cref="GpuBackend"/> is unavailable, and <see cref="GpuBenchmark"/>'s setup
/// calls <see cref="Require"/> in case a run selects one anyway.
/// </summary>
public static class GpuOnly
{
    /// <summary>True when libminference loaded and a device of sm_80 or newer is present.</summary>
    public static bool IsAvailable => GpuBackend.IsAvailable;

    /// <summary>The line printed when the GPU group is skipped.</summary>
    public static string SkipMessage =>
        $"GPU benchmarks skipped (category \"{GpuBenchmark.Category}\"): no usable GPU backend: {GpuBackend.UnavailableReason}";

    /// <summary>Throws with <see cref="SkipMessage"/>'s reason when there is no usable GPU.</summary>
    /// <exception cref="InvalidOperationException">No usable GPU backend.</exception>
    public static void Require()
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException(SkipMessage);
        }
    }
}

namespace MInference.Evaluation;

/// <summary>
/// Computes layers with the CUDA kernels on one device. Every timed call runs once to warm up, then
/// <see cref="TimedRuns"/> times between CUDA events, and reports the median.
/// </summary>
public sealed class GpuPrefillBackend : IPrefillBackend
{
    /// <summary>Opens the device.</summary>
    /// <param name="deviceOrdinal">The CUDA device.</param>
    /// <param name="timedRuns">Timed runs per measurement, &gt;= 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timedRuns"/> is below 1.</exception>
    /// <exception cref="GpuUnavailableException">No usable device or library.</exception>
    public GpuPrefillBackend(int deviceOrdinal = 0, int timedRuns = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timedRuns, 1);
        TimedRuns = timedRuns;
        Context = new GpuContext(deviceOrdinal);
    }

    /// <summary>The device and stream every layer runs on.</summary>
    public GpuContext Context { get; }

    /// <summary>Timed runs per measurement.</summary>
    public int TimedRuns { get; }

    /// <inheritdoc/>
    public string Description => $"GPU {Context.Device.Ordinal}: {Context.Device.Name} ({Context.Device.Architecture})";

    /// <inheritdoc/>
    public string TimingMethod => $"CUDA events, median of {TimedRuns} runs after a warm-up";

    /// <inheritdoc/>
    public IPrefillLayer Load(LayerInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return new GpuPrefillLayer(this, inputs);
    }

    /// <summary>Releases the stream.</summary>
    public void Dispose() => Context.Dispose();
}

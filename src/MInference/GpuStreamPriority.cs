namespace MInference;

/// <summary>
/// The scheduling priority of a <see cref="GpuStream"/>. When streams of different priorities both have
/// work ready, the GPU starts blocks of the higher-priority one first (running blocks are not
/// preempted). CUDA gives new streams its lowest priority by default, so background work such as PQ
/// encoding yields to other work only when that work runs on a <see cref="Highest"/> stream.
/// </summary>
public enum GpuStreamPriority
{
    /// <summary>CUDA's default for new streams (on current GPUs the same as <see cref="Lowest"/>).</summary>
    Default,

    /// <summary>The device's lowest priority: for background work (encoding, prefetch).</summary>
    Lowest,

    /// <summary>The device's highest priority: for latency-critical work (decode attention).</summary>
    Highest,
}

namespace MInference;

/// <summary>A CUDA device as reported by the driver. An immutable snapshot taken when probing.</summary>
public sealed record GpuDevice
{
    /// <summary>The minimum compute capability the compiled kernels run on (sm_80, Ampere).</summary>
    public const int MinimumComputeCapabilityMajor = 8;

    /// <summary>CUDA device ordinal, as passed to <see cref="GpuContext(int)"/>.</summary>
    public required int Ordinal { get; init; }

    /// <summary>Marketing name, e.g. "NVIDIA H100 80GB HBM3".</summary>
    public required string Name { get; init; }

    /// <summary>Major compute capability (9 for H100).</summary>
    public required int ComputeCapabilityMajor { get; init; }

    /// <summary>Minor compute capability (0 for H100).</summary>
    public required int ComputeCapabilityMinor { get; init; }

    /// <summary>Number of streaming multiprocessors.</summary>
    public required int MultiprocessorCount { get; init; }

    /// <summary>Total device memory in bytes.</summary>
    public required long TotalMemoryBytes { get; init; }

    /// <summary>Shared memory a block can opt in to, in bytes.</summary>
    public required long SharedMemoryPerBlockOptInBytes { get; init; }

    /// <summary>Version of the installed CUDA driver.</summary>
    public required CudaVersion DriverVersion { get; init; }

    /// <summary>Version of the CUDA runtime the library uses.</summary>
    public required CudaVersion RuntimeVersion { get; init; }

    /// <summary>
    /// The attention mainloop the kernels take here: "sm90a" (warpgroup MMAs) on compute capability
    /// 9.0 in a build with sm_90a code, unless <c>MINFERENCE_MAINLOOP=sm80</c> forces the other;
    /// else "sm80". Benchmarks record it beside their figures.
    /// </summary>
    public required string AttentionMainloop { get; init; }

    /// <summary>The compute capability as a target name, e.g. "sm_90".</summary>
    public string Architecture => $"sm_{ComputeCapabilityMajor}{ComputeCapabilityMinor}";

    /// <summary>True when the compiled kernels can run on this device (sm_80 or newer).</summary>
    public bool IsSupported => ComputeCapabilityMajor >= MinimumComputeCapabilityMajor;
}

namespace MInference;

/// <summary>What <see cref="GpuBackend.Probe"/> found: the native library, the devices, and whether the GPU backend can run.</summary>
public sealed record GpuBackendInfo
{
    /// <summary>True when the library loaded and at least one device is sm_80 or newer.</summary>
    public bool IsAvailable => UnavailableReason is null;

    /// <summary>Why the GPU backend cannot run (null when it can): missing library, ABI mismatch, no driver or device, or no sm_80+ device.</summary>
    public string? UnavailableReason { get; init; }

    /// <summary>The loaded library, or null when it could not be loaded.</summary>
    public NativeLibraryInfo? Library { get; init; }

    /// <summary>Every CUDA device found, including ones too old for the kernels; empty without driver or library.</summary>
    public IReadOnlyList<GpuDevice> Devices { get; init; } = [];
}

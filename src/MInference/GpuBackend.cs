using MInference.Interop;

namespace MInference;

/// <summary>
/// Whether the GPU backend can run on this machine, and what it would run on. Probing loads
/// libminference and enumerates devices once per process; it never throws, so it is safe on a
/// machine without a GPU, a CUDA driver or the native library.
/// </summary>
public static class GpuBackend
{
    private static readonly Lazy<GpuBackendInfo> s_probe = new(ProbeOnce);

    /// <summary>True when the library loaded and at least one device is sm_80 or newer.</summary>
    public static bool IsAvailable => Probe().IsAvailable;

    /// <summary>Why the GPU backend cannot run, or null when it can.</summary>
    public static string? UnavailableReason => Probe().UnavailableReason;

    /// <summary>The result of probing, computed on first call and cached.</summary>
    public static GpuBackendInfo Probe() => s_probe.Value;

    private static GpuBackendInfo ProbeOnce()
    {
        NativeLibraryLoadResult load = MiLibrary.LoadResult;
        if (!load.IsLoaded)
        {
            return new GpuBackendInfo { UnavailableReason = load.FailureReason };
        }

        NativeLibraryInfo? library = null;
        try
        {
            library = ReadLibraryInfo(load.Path!);
            GpuDevice[] devices = ReadDevices();
            return new GpuBackendInfo
            {
                Library = library,
                Devices = devices,
                UnavailableReason = devices.Any(device => device.IsSupported) ? null : NoSupportedDeviceReason(devices),
            };
        }
        catch (GpuUnavailableException e)
        {
            return new GpuBackendInfo { Library = library, UnavailableReason = e.Reason };
        }
        catch (Exception e) when (e is CudaException or ArgumentException or EntryPointNotFoundException)
        {
            return new GpuBackendInfo { Library = library, UnavailableReason = $"could not query libminference or the CUDA devices: {e.Message}" };
        }
    }

    private static NativeLibraryInfo ReadLibraryInfo(string path) => new()
    {
        Path = path,
        Version = MiBuildInfo.Version,
        AbiVersion = MiNative.mi_abi_version(),
        CompiledArchitectures = MiBuildInfo.CompiledArchitectures
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        CudaCompileVersion = CudaVersion.FromEncoded(MiNative.mi_cuda_compile_version()),
    };

    private static GpuDevice[] ReadDevices()
    {
        MiStatus.ThrowIfFailed(MiNative.mi_device_count(out int count));
        var devices = new GpuDevice[count];
        for (int ordinal = 0; ordinal < count; ordinal++)
        {
            MiStatus.ThrowIfFailed(MiNative.mi_device_get_info(ordinal, out MiDeviceInfo info));
            MiStatus.ThrowIfFailed(MiNative.mi_attention_mainloop(ordinal, out int mainloop));
            devices[ordinal] = new GpuDevice
            {
                Ordinal = info.Ordinal,
                Name = info.GetName(),
                ComputeCapabilityMajor = info.ComputeMajor,
                ComputeCapabilityMinor = info.ComputeMinor,
                MultiprocessorCount = info.MultiprocessorCount,
                TotalMemoryBytes = info.TotalMemoryBytes,
                SharedMemoryPerBlockOptInBytes = info.SharedMemoryPerBlockOptIn,
                DriverVersion = CudaVersion.FromEncoded(info.DriverVersion),
                RuntimeVersion = CudaVersion.FromEncoded(info.RuntimeVersion),
                AttentionMainloop = mainloop == 90 ? "sm90a" : "sm80",
            };
        }

        return devices;
    }

    private static string NoSupportedDeviceReason(GpuDevice[] devices) => devices.Length == 0
        ? "the CUDA driver reports no device"
        : "no device with compute capability 8.0 or newer (found: "
            + string.Join(", ", devices.Select(device => $"{device.Ordinal}: {device.Name}, {device.Architecture}")) + ")";
}

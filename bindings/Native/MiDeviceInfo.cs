using System.Runtime.InteropServices;
using System.Text;

namespace MInference.Interop;

/// <summary><c>mi_device_info</c>, field for field (296 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MiDeviceInfo
{
    /// <summary><c>name</c>.</summary>
    public MiDeviceName Name;

    /// <summary><c>ordinal</c>.</summary>
    public int Ordinal;

    /// <summary><c>compute_major</c>.</summary>
    public int ComputeMajor;

    /// <summary><c>compute_minor</c>.</summary>
    public int ComputeMinor;

    /// <summary><c>multiprocessor_count</c>.</summary>
    public int MultiprocessorCount;

    /// <summary><c>total_memory_bytes</c>.</summary>
    public long TotalMemoryBytes;

    /// <summary><c>shared_memory_per_block_optin</c>, bytes.</summary>
    public long SharedMemoryPerBlockOptIn;

    /// <summary><c>driver_version</c>, e.g. 13000.</summary>
    public int DriverVersion;

    /// <summary><c>runtime_version</c>, e.g. 13000.</summary>
    public int RuntimeVersion;

    /// <summary>Decodes <see cref="Name"/> up to its terminator (or the whole buffer if it has none).</summary>
    public readonly string GetName()
    {
        ReadOnlySpan<byte> bytes = Name;
        int terminator = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(terminator < 0 ? bytes : bytes[..terminator]);
    }
}

using System.Runtime.CompilerServices;

namespace MInference.Interop;

/// <summary><c>char name[256]</c> of <c>mi_device_info</c>: NUL-terminated UTF-8.</summary>
[InlineArray(Length)]
internal struct MiDeviceName
{
    /// <summary>Capacity in bytes, terminator included.</summary>
    public const int Length = 256;

    private byte _first;
}

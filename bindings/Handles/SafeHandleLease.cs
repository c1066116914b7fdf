using System.Runtime.InteropServices;

namespace MInference.Interop;

/// <summary>
/// Holds a reference on a <see cref="SafeHandle"/> while its raw value is used in native calls
/// (for example inside an argument struct), so a concurrent <c>Dispose</c> cannot free the resource
/// mid-call. Throws <see cref="ObjectDisposedException"/> if the handle is already closed.
/// A default lease holds nothing and has <see cref="Value"/> 0.
/// </summary>
internal ref struct SafeHandleLease
{
    private readonly SafeHandle? _handle;
    private bool _referenced;

    public SafeHandleLease(SafeHandle handle)
    {
        _handle = handle;
        handle.DangerousAddRef(ref _referenced);
        Value = handle.DangerousGetHandle();
    }

    /// <summary>The raw handle value, valid until <see cref="Dispose"/>.</summary>
    public readonly nint Value { get; }

    public void Dispose()
    {
        if (_referenced)
        {
            _handle!.DangerousRelease();
            _referenced = false;
        }
    }
}

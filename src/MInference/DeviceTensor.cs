namespace MInference;

/// <summary>
/// A typed, strided view of device memory: a <see cref="DeviceBuffer"/>, an element type, a layout
/// and the element offset of the view's first element. The view does not own the buffer (dispose
/// the buffer, never the view) and is usable only while the buffer is alive. Whether the view fits
/// its buffer, and meets a kernel's alignment and stride rules, is checked where it is used.
/// </summary>
public sealed class DeviceTensor
{
    /// <summary>Creates a view.</summary>
    /// <param name="buffer">The memory viewed; not owned by the view.</param>
    /// <param name="dtype">Element type.</param>
    /// <param name="layout">Lengths and element strides.</param>
    /// <param name="elementOffset">Offset of element [0, ..., 0] from the start of the buffer, in elements (&gt;= 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is undefined or <paramref name="elementOffset"/> is negative.</exception>
    public DeviceTensor(DeviceBuffer buffer, DType dtype, TensorLayout layout, long elementOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(layout);
        if (!Enum.IsDefined(dtype))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a defined DType");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(elementOffset);
        Buffer = buffer;
        DType = dtype;
        Layout = layout;
        ElementOffset = elementOffset;
    }

    /// <summary>The memory viewed (not owned).</summary>
    public DeviceBuffer Buffer { get; }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>Lengths and element strides.</summary>
    public TensorLayout Layout { get; }

    /// <summary>Offset of the first element from the start of <see cref="Buffer"/>, in elements.</summary>
    public long ElementOffset { get; }

    /// <summary>For example "BFloat16 [1, 8, 64, 128] strides [65536, 8192, 128, 1] at element 0".</summary>
    public override string ToString() => $"{DType} {Layout} at element {ElementOffset}";
}

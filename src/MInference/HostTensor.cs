namespace MInference;

/// <summary>
/// A strided view of writable host memory holding <see cref="float"/> values, an output of the CPU
/// backend. Does not copy or own <see cref="Data"/>; the caller keeps it alive while the view is in use.
/// </summary>
public sealed class HostTensor
{
    /// <summary>Creates a view; element [0, ..., 0] is <c>data.Span[0]</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> is shorter than <see cref="TensorLayout.RequiredElementCount"/>.</exception>
    public HostTensor(Memory<float> data, TensorLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        HostTensorChecks.ThrowIfTooShort(data.Length, layout, nameof(data));
        Data = data;
        Layout = layout;
    }

    /// <summary>The values viewed (not owned).</summary>
    public Memory<float> Data { get; }

    /// <summary>Lengths and element strides.</summary>
    public TensorLayout Layout { get; }
}

namespace MInference;

/// <summary>
/// A strided view of read-only host memory holding <see cref="float"/> values, an input of the CPU
/// backend. Does not copy or own <see cref="Data"/>; the caller keeps it alive and unchanged while
/// the view is in use.
/// </summary>
public sealed class ReadOnlyHostTensor
{
    /// <summary>Creates a view; element [0, ..., 0] is <c>data.Span[0]</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> is shorter than <see cref="TensorLayout.RequiredElementCount"/>.</exception>
    public ReadOnlyHostTensor(ReadOnlyMemory<float> data, TensorLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        HostTensorChecks.ThrowIfTooShort(data.Length, layout, nameof(data));
        Data = data;
        Layout = layout;
    }

    /// <summary>The values viewed (not owned).</summary>
    public ReadOnlyMemory<float> Data { get; }

    /// <summary>Lengths and element strides.</summary>
    public TensorLayout Layout { get; }
}

namespace MInference.IO;

/// <summary>
/// One tensor of a safetensors file as its header describes it: name, dtype, shape and where its
/// bytes lie in the data buffer (the bytes after the header). Immutable; two infos are equal when every
/// property is, the shapes compared element by element.
/// </summary>
public sealed record SafetensorsTensorInfo
{
    internal SafetensorsTensorInfo(string name, SafetensorsDType dtype, long[] shape, long elementCount, long dataBegin, long dataEnd)
    {
        Name = name;
        DType = dtype;
        Shape = Array.AsReadOnly(shape);
        ElementCount = elementCount;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor's name (its key in the header), never empty.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>Length of each dimension, outermost first (row-major); empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar, 0 when a dimension is 0).</summary>
    public long ElementCount { get; }

    /// <summary>Offset in bytes of the first byte, from the start of the data buffer (the header's <c>data_offsets[0]</c>).</summary>
    public long DataBegin { get; }

    /// <summary>Offset in bytes just past the last byte, from the start of the data buffer (the header's <c>data_offsets[1]</c>).</summary>
    public long DataEnd { get; }

    /// <summary>Number of bytes: <see cref="ElementCount"/> × the element size of <see cref="DType"/>.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <inheritdoc/>
    public bool Equals(SafetensorsTensorInfo? other) =>
        other is not null
        && Name == other.Name
        && DType == other.DType
        && Shape.SequenceEqual(other.Shape)
        && ElementCount == other.ElementCount
        && DataBegin == other.DataBegin
        && DataEnd == other.DataEnd;

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        hash.Add(DType);
        foreach (long dimension in Shape)
        {
            hash.Add(dimension);
        }

        hash.Add(DataBegin);
        hash.Add(DataEnd);
        return hash.ToHashCode();
    }

    /// <summary>For example "layers.0.q: BF16 [2, 3, 4], bytes [0, 48)".</summary>
    public override string ToString() => $"{Name}: {DType.HeaderName} {SafetensorsShape.Format(Shape)}, bytes [{DataBegin}, {DataEnd})";
}

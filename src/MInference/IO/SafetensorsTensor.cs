using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MInference.IO;

/// <summary>
/// A tensor to write with <see cref="SafetensorsWriter"/>: name, dtype, shape and its bytes
/// (little-endian, row-major). Validated when created; the bytes are not copied, so the caller keeps
/// them unchanged until the file is written (the factories own a copy).
/// </summary>
public sealed class SafetensorsTensor
{
    /// <summary>Creates a tensor from its raw bytes.</summary>
    /// <param name="name">Non-empty, not <c>"__metadata__"</c>, well-formed UTF-16 (no lone surrogate).</param>
    /// <param name="dtype">Element type.</param>
    /// <param name="shape">Length of each dimension, outermost first, each &gt;= 0; empty for a scalar.</param>
    /// <param name="data">Exactly (product of <paramref name="shape"/>) × element size bytes, little-endian, row-major.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException">The name is not allowed, a dimension is negative, the size overflows, or <paramref name="data"/> has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined <see cref="SafetensorsDType"/>.</exception>
    public SafetensorsTensor(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlyMemory<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name == SafetensorsHeaderParser.MetadataKey)
        {
            throw new ArgumentException($"a tensor may not be named \"{SafetensorsHeaderParser.MetadataKey}\" (the header's metadata key)", nameof(name));
        }

        if (!SafetensorsText.IsWellFormed(name))
        {
            throw new ArgumentException($"tensor '{name}': the name holds a lone surrogate; expected well-formed UTF-16", nameof(name));
        }

        if (!Enum.IsDefined(dtype))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a defined SafetensorsDType");
        }

        long[] dimensions = shape.ToArray();
        for (int dimension = 0; dimension < dimensions.Length; dimension++)
        {
            if (dimensions[dimension] < 0)
            {
                throw new ArgumentException($"tensor '{name}': shape[{dimension}] = {dimensions[dimension]}; expected a non-negative length", nameof(shape));
            }
        }

        if (!SafetensorsShape.TryGetElementCount(dimensions, out long elementCount)
            || !SafetensorsShape.TryGetByteCount(elementCount, dtype, out long byteCount))
        {
            throw new ArgumentException($"tensor '{name}': shape {SafetensorsShape.Format(dimensions)} of {dtype.HeaderName} spans more than {long.MaxValue} bytes", nameof(shape));
        }

        if (data.Length != byteCount)
        {
            throw new ArgumentException(
                $"tensor '{name}': data holds {data.Length} bytes; expected {SafetensorsShape.DescribeByteCount(dtype, dimensions, elementCount, byteCount)}", nameof(data));
        }

        Name = name;
        DType = dtype;
        Shape = Array.AsReadOnly(dimensions);
        ElementCount = elementCount;
        Data = data;
    }

    /// <summary>The tensor's name (its key in the header).</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>Length of each dimension, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Number of elements: the product of <see cref="Shape"/>.</summary>
    public long ElementCount { get; }

    /// <summary>The bytes written: little-endian, row-major.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>An F32 tensor holding a copy of <paramref name="values"/> (row-major).</summary>
    /// <exception cref="ArgumentException">As for the constructor; in particular the number of values is not the product of <paramref name="shape"/>.</exception>
    public static SafetensorsTensor FromSingle(string name, ReadOnlySpan<long> shape, ReadOnlySpan<float> values)
    {
        byte[] bytes = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            Span<uint> bits = MemoryMarshal.Cast<byte, uint>(bytes.AsSpan());
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }

        return new SafetensorsTensor(name, SafetensorsDType.Float32, shape, bytes);
    }

    /// <summary>An F16 or BF16 tensor holding a copy of the raw 16-bit values <paramref name="bits"/> (row-major).</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="dtype"><see cref="SafetensorsDType.Float16"/> or <see cref="SafetensorsDType.BFloat16"/>.</param>
    /// <param name="shape">Length of each dimension, outermost first.</param>
    /// <param name="bits">The values' bits, e.g. from <see cref="HalfPrecision.ToBFloat16(ReadOnlySpan{float}, Span{ushort})"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a 16-bit float type, or as for the constructor.</exception>
    public static SafetensorsTensor FromHalfBits(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlySpan<ushort> bits)
    {
        if (dtype is not (SafetensorsDType.Float16 or SafetensorsDType.BFloat16))
        {
            throw new ArgumentException($"{dtype} is not F16 or BF16", nameof(dtype));
        }

        byte[] bytes = MemoryMarshal.AsBytes(bits).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            Span<ushort> values = MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan());
            BinaryPrimitives.ReverseEndianness(values, values);
        }

        return new SafetensorsTensor(name, dtype, shape, bytes);
    }

    /// <summary>For example "layers.0.q: BF16 [2, 3, 4]".</summary>
    public override string ToString() => $"{Name}: {DType.HeaderName} {SafetensorsShape.Format(Shape)}";
}

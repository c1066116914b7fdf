using System.Diagnostics.CodeAnalysis;

namespace MInference.IO;

/// <summary>
/// Element type of a tensor in a safetensors file. Each value has a header name (the <c>"dtype"</c>
/// string, e.g. <c>"BF16"</c>) and an element size; see <see cref="SafetensorsDTypeExtensions"/>.
/// Values are stored little-endian.
/// </summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The standard names of the formats (Int32, Float64, ...), as in DType.")]
public enum SafetensorsDType
{
    /// <summary>"BOOL": one byte per value, 0 or 1.</summary>
    Bool,

    /// <summary>"U8": unsigned 8-bit integer.</summary>
    UInt8,

    /// <summary>"I8": signed 8-bit integer.</summary>
    Int8,

    /// <summary>"F8_E4M3": 8-bit float, 4 exponent bits and 3 mantissa bits.</summary>
    Float8E4M3,

    /// <summary>"F8_E5M2": 8-bit float, 5 exponent bits and 2 mantissa bits.</summary>
    Float8E5M2,

    /// <summary>"I16": signed 16-bit integer.</summary>
    Int16,

    /// <summary>"U16": unsigned 16-bit integer.</summary>
    UInt16,

    /// <summary>"F16": IEEE 754 binary16 (<see cref="Half"/>).</summary>
    Float16,

    /// <summary>"BF16": bfloat16, the upper 16 bits of a <see cref="float"/>.</summary>
    BFloat16,

    /// <summary>"I32": signed 32-bit integer.</summary>
    Int32,

    /// <summary>"U32": unsigned 32-bit integer.</summary>
    UInt32,

    /// <summary>"F32": IEEE 754 binary32 (<see cref="float"/>).</summary>
    Float32,

    /// <summary>"I64": signed 64-bit integer.</summary>
    Int64,

    /// <summary>"U64": unsigned 64-bit integer.</summary>
    UInt64,

    /// <summary>"F64": IEEE 754 binary64 (<see cref="double"/>).</summary>
    Float64,
}

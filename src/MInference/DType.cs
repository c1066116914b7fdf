using System.Diagnostics.CodeAnalysis;

namespace MInference;

/// <summary>Element type of a tensor. The values equal the native <c>mi_dtype</c> values.</summary>
public enum DType
{
    /// <summary>IEEE 754 binary16 (<see cref="Half"/>), 2 bytes.</summary>
    Float16 = 0,

    /// <summary>bfloat16: the upper 16 bits of a <see cref="float"/>, 2 bytes.</summary>
    BFloat16 = 1,

    /// <summary>IEEE 754 binary32 (<see cref="float"/>), 4 bytes.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The standard name of the format, like Float16 and BFloat16.")]
    Float32 = 2,
}

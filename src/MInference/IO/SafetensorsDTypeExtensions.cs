namespace MInference.IO;

/// <summary>Header names and element sizes of <see cref="SafetensorsDType"/> values.</summary>
public static class SafetensorsDTypeExtensions
{
    private static readonly SafetensorsDType[] s_all = Enum.GetValues<SafetensorsDType>();

    /// <summary>Every header name, e.g. "F64, F32, F16, BF16, ...", for messages.</summary>
    internal static string KnownNames { get; } = string.Join(", ", s_all.Reverse().Select(dtype => dtype.HeaderName));

    extension(SafetensorsDType dtype)
    {
        /// <summary>Size of one element in bytes (1, 2, 4 or 8).</summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="SafetensorsDType"/>.</exception>
        public int ElementSize => dtype switch
        {
            SafetensorsDType.Bool or SafetensorsDType.UInt8 or SafetensorsDType.Int8
                or SafetensorsDType.Float8E4M3 or SafetensorsDType.Float8E5M2 => 1,
            SafetensorsDType.Int16 or SafetensorsDType.UInt16 or SafetensorsDType.Float16 or SafetensorsDType.BFloat16 => 2,
            SafetensorsDType.Int32 or SafetensorsDType.UInt32 or SafetensorsDType.Float32 => 4,
            SafetensorsDType.Int64 or SafetensorsDType.UInt64 or SafetensorsDType.Float64 => 8,
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a defined SafetensorsDType"),
        };

        /// <summary>The name in the header's <c>"dtype"</c> field, e.g. "BF16".</summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="SafetensorsDType"/>.</exception>
        public string HeaderName => dtype switch
        {
            SafetensorsDType.Bool => "BOOL",
            SafetensorsDType.UInt8 => "U8",
            SafetensorsDType.Int8 => "I8",
            SafetensorsDType.Float8E4M3 => "F8_E4M3",
            SafetensorsDType.Float8E5M2 => "F8_E5M2",
            SafetensorsDType.Int16 => "I16",
            SafetensorsDType.UInt16 => "U16",
            SafetensorsDType.Float16 => "F16",
            SafetensorsDType.BFloat16 => "BF16",
            SafetensorsDType.Int32 => "I32",
            SafetensorsDType.UInt32 => "U32",
            SafetensorsDType.Float32 => "F32",
            SafetensorsDType.Int64 => "I64",
            SafetensorsDType.UInt64 => "U64",
            SafetensorsDType.Float64 => "F64",
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a defined SafetensorsDType"),
        };
    }

    /// <summary>The dtype whose header name is exactly <paramref name="headerName"/> (case-sensitive, e.g. "F32").</summary>
    /// <returns>False when the name is null or not a known dtype.</returns>
    public static bool TryParseHeaderName(string? headerName, out SafetensorsDType dtype)
    {
        foreach (SafetensorsDType candidate in s_all)
        {
            if (string.Equals(candidate.HeaderName, headerName, StringComparison.Ordinal))
            {
                dtype = candidate;
                return true;
            }
        }

        dtype = default;
        return false;
    }
}

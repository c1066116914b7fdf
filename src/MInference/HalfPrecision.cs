namespace MInference;

/// <summary>
/// Host-side conversions between <see cref="float"/> and the 16-bit formats the kernels use, as raw
/// <see cref="ushort"/> bits: IEEE binary16 (<see cref="DType.Float16"/>, via <see cref="Half"/>) and
/// bfloat16 (<see cref="DType.BFloat16"/>). Narrowing rounds to nearest, ties to even; NaN stays NaN,
/// infinities stay infinite, and values past the largest finite value become infinite.
/// Span overloads write <c>source.Length</c> elements and require a destination at least that long.
/// </summary>
public static class HalfPrecision
{
    private const ushort BFloat16QuietNaNBit = 0x0040;

    /// <summary>The bfloat16 nearest to <paramref name="value"/> (ties to even).</summary>
    public static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            // Truncation could clear every mantissa bit and turn the NaN into an infinity; keep the
            // sign and top payload bits and force the quiet bit.
            return (ushort)((bits >> 16) | BFloat16QuietNaNBit);
        }

        // Adding 0x7FFF plus the lowest kept bit rounds the discarded half to nearest, ties to even;
        // a carry out of the mantissa correctly increments the exponent (up to infinity).
        uint roundingBias = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>The float with the same value as the bfloat16 <paramref name="bits"/> (exact).</summary>
    public static float FromBFloat16(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>The binary16 nearest to <paramref name="value"/> (ties to even).</summary>
    public static ushort ToFloat16(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>The float with the same value as the binary16 <paramref name="bits"/> (exact).</summary>
    public static float FromFloat16(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    /// <summary>Rounds each value of <paramref name="source"/> to bfloat16.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public static void ToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        ThrowIfTooShort(source, destination);
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = ToBFloat16(source[i]);
        }
    }

    /// <summary>Widens each bfloat16 of <paramref name="source"/> to float.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public static void FromBFloat16(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        ThrowIfTooShort(source, destination);
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = FromBFloat16(source[i]);
        }
    }

    /// <summary>Rounds each value of <paramref name="source"/> to binary16.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public static void ToFloat16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        ThrowIfTooShort(source, destination);
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = ToFloat16(source[i]);
        }
    }

    /// <summary>Widens each binary16 of <paramref name="source"/> to float.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public static void FromFloat16(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        ThrowIfTooShort(source, destination);
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = FromFloat16(source[i]);
        }
    }

    /// <summary>Rounds <paramref name="source"/> to <paramref name="dtype"/> (Float16 or BFloat16).</summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a 16-bit type, or the destination is too short.</exception>
    public static void Encode(ReadOnlySpan<float> source, Span<ushort> destination, DType dtype)
    {
        switch (dtype)
        {
            case DType.Float16:
                ToFloat16(source, destination);
                break;
            case DType.BFloat16:
                ToBFloat16(source, destination);
                break;
            default:
                throw new ArgumentException($"{dtype} is not a 16-bit dtype", nameof(dtype));
        }
    }

    /// <summary>Widens <paramref name="source"/>, holding <paramref name="dtype"/> values (Float16 or BFloat16), to float.</summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a 16-bit type, or the destination is too short.</exception>
    public static void Decode(ReadOnlySpan<ushort> source, Span<float> destination, DType dtype)
    {
        switch (dtype)
        {
            case DType.Float16:
                FromFloat16(source, destination);
                break;
            case DType.BFloat16:
                FromBFloat16(source, destination);
                break;
            default:
                throw new ArgumentException($"{dtype} is not a 16-bit dtype", nameof(dtype));
        }
    }

    private static void ThrowIfTooShort<TSource, TDestination>(ReadOnlySpan<TSource> source, Span<TDestination> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} elements; {source.Length} are needed", nameof(destination));
        }
    }
}

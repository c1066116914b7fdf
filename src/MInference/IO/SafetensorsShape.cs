using System.Globalization;

namespace MInference.IO;

/// <summary>Element counts and message text for tensor shapes (row-major, outermost dimension first).</summary>
internal static class SafetensorsShape
{
    /// <summary>The product of the dimensions (1 for a scalar), or false when it overflows <see cref="long"/>.</summary>
    public static bool TryGetElementCount(IReadOnlyList<long> shape, out long elementCount)
    {
        Int128 product = 1;
        foreach (long dimension in shape)
        {
            product *= dimension;
            if (dimension < 0 || product > long.MaxValue)
            {
                elementCount = 0;
                return false;
            }
        }

        elementCount = (long)product;
        return true;
    }

    /// <summary>The byte count of <paramref name="elementCount"/> elements of <paramref name="dtype"/>, or false when it overflows.</summary>
    public static bool TryGetByteCount(long elementCount, SafetensorsDType dtype, out long byteCount)
    {
        Int128 bytes = (Int128)elementCount * dtype.ElementSize;
        bool fits = bytes <= long.MaxValue;
        byteCount = fits ? (long)bytes : 0;
        return fits;
    }

    /// <summary>For example "[2, 3, 4]"; "[]" for a scalar.</summary>
    public static string Format(IReadOnlyList<long> shape) =>
        "[" + string.Join(", ", shape.Select(dimension => dimension.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>For example "2·3·4 elements × 2 bytes = 48 bytes for BF16 [2, 3, 4]".</summary>
    public static string DescribeByteCount(SafetensorsDType dtype, IReadOnlyList<long> shape, long elementCount, long byteCount)
    {
        string elements = shape.Count switch
        {
            0 => "1 element (a scalar)",
            1 => elementCount == 1 ? "1 element" : $"{elementCount} elements",
            _ => string.Join("·", shape.Select(dimension => dimension.ToString(CultureInfo.InvariantCulture))) + " elements",
        };
        int size = dtype.ElementSize;
        return $"{elements} × {size} byte{(size == 1 ? "" : "s")} = {byteCount} bytes for {dtype.HeaderName} {Format(shape)}";
    }
}

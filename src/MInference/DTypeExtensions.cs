namespace MInference;

/// <summary>Properties of <see cref="DType"/> values.</summary>
public static class DTypeExtensions
{
    extension(DType dtype)
    {
        /// <summary>Size of one element in bytes.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="DType"/>.</exception>
        public int ElementSize => dtype switch
        {
            DType.Float16 or DType.BFloat16 => 2,
            DType.Float32 => 4,
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a defined DType"),
        };
    }
}

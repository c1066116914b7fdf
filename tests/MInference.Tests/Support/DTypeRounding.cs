namespace MInference.Tests.Support;

/// <summary>Host inputs as the kernels see them: encoded to a 16-bit dtype, and decoded back for the CPU references.</summary>
internal static class DTypeRounding
{
    /// <summary>The dtype bits of <paramref name="tensor"/> and the tensor those bits decode to.</summary>
    public static (ushort[] Bits, ReadOnlyHostTensor Rounded) RoundTo(DType dtype, ReadOnlyHostTensor tensor)
    {
        var bits = new ushort[tensor.Data.Length];
        HalfPrecision.Encode(tensor.Data.Span, bits, dtype);
        var rounded = new float[bits.Length];
        HalfPrecision.Decode(bits, rounded, dtype);
        return (bits, new ReadOnlyHostTensor(rounded, tensor.Layout));
    }
}

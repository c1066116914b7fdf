using MInference.IO;

namespace MInference.Cli.Run;

/// <summary>Host tensors as safetensors entries.</summary>
internal static class TensorFiles
{
    /// <summary>A [B, H, N, D] (or any) float tensor stored in a 16-bit dtype.</summary>
    public static SafetensorsTensor HalfTensor(string name, ReadOnlySpan<float> values, TensorLayout layout, DType dtype)
    {
        var bits = new ushort[values.Length];
        HalfPrecision.Encode(values, bits, dtype);
        return SafetensorsTensor.FromHalfBits(name, dtype == DType.Float16 ? SafetensorsDType.Float16 : SafetensorsDType.BFloat16, Shape(layout), bits);
    }

    /// <summary>The layout's lengths as a safetensors shape.</summary>
    public static long[] Shape(TensorLayout layout) => [.. layout.Lengths.ToArray().Select(length => (long)length)];
}

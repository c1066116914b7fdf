namespace MInference.Cli.Sla;

/// <summary>Whole contiguous fp16/bf16 device tensors to and from host floats.</summary>
internal static class HalfTensorCopies
{
    /// <summary>Rounds <paramref name="values"/> to the tensor's dtype and copies them into it.</summary>
    public static void Upload(ReadOnlySpan<float> values, DeviceTensor tensor)
    {
        var bits = new ushort[values.Length];
        HalfPrecision.Encode(values, bits, tensor.DType);
        tensor.Buffer.CopyFromHost<ushort>(bits, tensor.ElementOffset * sizeof(ushort));
    }

    /// <summary>The tensor's values as floats (waits for the work writing it).</summary>
    public static void Download(DeviceTensor tensor, Span<float> values)
    {
        var bits = new ushort[values.Length];
        tensor.Buffer.CopyToHost<ushort>(bits, tensor.ElementOffset * sizeof(ushort));
        HalfPrecision.Decode(bits, values, tensor.DType);
    }
}

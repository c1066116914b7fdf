namespace MInference.Cli.Bench;

/// <summary>How far a sparse layer's output is from dense attention's, on the same tensors.</summary>
internal static class OutputError
{
    private const int ChunkElements = 1 << 22;

    /// <summary>
    /// ‖actual − expected‖₂ / ‖expected‖₂ over every element of two fp16/bf16 tensors of one layout,
    /// in double, read back in 4M-element chunks (host memory stays bounded at 1M tokens).
    /// </summary>
    public static double RelativeL2(DeviceTensor actual, DeviceTensor expected)
    {
        long count = expected.Layout.ElementCount;
        var actualBits = new ushort[(int)Math.Min(ChunkElements, count)];
        var expectedBits = new ushort[actualBits.Length];
        var actualValues = new float[actualBits.Length];
        var expectedValues = new float[actualBits.Length];
        double difference = 0, reference = 0;
        for (long start = 0; start < count; start += ChunkElements)
        {
            int length = (int)Math.Min(ChunkElements, count - start);
            actual.Buffer.CopyToHost<ushort>(actualBits.AsSpan(0, length), start * sizeof(ushort));
            expected.Buffer.CopyToHost<ushort>(expectedBits.AsSpan(0, length), start * sizeof(ushort));
            HalfPrecision.Decode(actualBits.AsSpan(0, length), actualValues.AsSpan(0, length), actual.DType);
            HalfPrecision.Decode(expectedBits.AsSpan(0, length), expectedValues.AsSpan(0, length), expected.DType);
            for (int i = 0; i < length; i++)
            {
                double delta = (double)actualValues[i] - expectedValues[i];
                difference += delta * delta;
                reference += (double)expectedValues[i] * expectedValues[i];
            }
        }

        return reference > 0 ? Math.Sqrt(difference / reference) : Math.Sqrt(difference);
    }
}

using MInference.Synthetic;

namespace MInference.Tests.Fuzz;

/// <summary>
/// A case's q, k and v: whole buffers (padding and the space before each view's offset included)
/// of N(0, 1) values (q times the case's amplitude) rounded to the dtype, as the bits the device
/// gets and as the floats they decode to, viewed by host tensors in the case's layouts. The CPU
/// references thus see exactly what the kernels see.
/// </summary>
internal sealed class FuzzInputs
{
    private FuzzInputs(FuzzCase fuzzCase)
    {
        var random = new Random(fuzzCase.Seed ^ 0x5eed);
        (QBits, Q) = Draw(random, fuzzCase.Layouts.Q, fuzzCase.QueryLayout, fuzzCase.DType, fuzzCase.Amplitude);
        (KBits, K) = Draw(random, fuzzCase.Layouts.K, fuzzCase.KeyLayout, fuzzCase.DType, 1);
        (VBits, V) = Draw(random, fuzzCase.Layouts.V, fuzzCase.ValueLayout, fuzzCase.DType, 1);
    }

    public ushort[] QBits { get; }

    public ushort[] KBits { get; }

    public ushort[] VBits { get; }

    public ReadOnlyHostTensor Q { get; }

    public ReadOnlyHostTensor K { get; }

    public ReadOnlyHostTensor V { get; }

    public static FuzzInputs Create(FuzzCase fuzzCase) => new(fuzzCase);

    /// <summary>A contiguous BHSD copy of <paramref name="tensor"/> (for the APIs that take only that).</summary>
    public static ReadOnlyHostTensor Contiguous(ReadOnlyHostTensor tensor)
    {
        ReadOnlySpan<nint> lengths = tensor.Layout.Lengths;
        int dim = (int)lengths[3];
        var values = new float[tensor.Layout.ElementCount];
        int row = 0;
        for (int b = 0; b < lengths[0]; b++)
        {
            for (int h = 0; h < lengths[1]; h++)
            {
                for (int s = 0; s < lengths[2]; s++, row++)
                {
                    tensor.Data.Span.Slice((int)tensor.Layout.GetOffset(b, h, s, 0), dim).CopyTo(values.AsSpan(row * dim, dim));
                }
            }
        }

        return new ReadOnlyHostTensor(values, TensorLayout.Contiguous(lengths));
    }

    private static (ushort[] Bits, ReadOnlyHostTensor Tensor) Draw(Random random, FuzzOperandLayout placement, TensorLayout layout, DType dtype, float amplitude)
    {
        var values = new float[placement.BufferElements(layout)];
        StandardNormal.Fill(random, values);
        if (amplitude != 1)
        {
            foreach (ref float value in values.AsSpan())
            {
                value *= amplitude;
            }
        }

        var bits = new ushort[values.Length];
        HalfPrecision.Encode(values, bits, dtype);
        HalfPrecision.Decode(bits, values, dtype);
        return (bits, new ReadOnlyHostTensor(values.AsMemory(placement.ElementOffset), layout));
    }
}

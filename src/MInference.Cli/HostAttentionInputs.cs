namespace MInference.Cli;

/// <summary>
/// Random N(0, 1) inputs for one <see cref="AttentionProblem"/>: the dtype bits to upload, and the
/// same values widened back to float, so the CPU reference sees exactly what the kernel sees.
/// </summary>
internal sealed class HostAttentionInputs
{
    public HostAttentionInputs(AttentionProblem problem, Random random)
    {
        (QBits, Q) = Generate(problem.QueryLayout, problem.DType, random);
        (KBits, K) = Generate(problem.KeyValueLayout, problem.DType, random);
        (VBits, V) = Generate(problem.KeyValueLayout, problem.DType, random);
    }

    public ushort[] QBits { get; }

    public ushort[] KBits { get; }

    public ushort[] VBits { get; }

    public ReadOnlyHostTensor Q { get; }

    public ReadOnlyHostTensor K { get; }

    public ReadOnlyHostTensor V { get; }

    private static (ushort[] Bits, ReadOnlyHostTensor Values) Generate(TensorLayout layout, DType dtype, Random random)
    {
        var values = new float[layout.ElementCount];
        var bits = new ushort[values.Length];
        StandardNormal.Fill(random, values);
        HalfPrecision.Encode(values, bits, dtype);
        HalfPrecision.Decode(bits, values, dtype);
        return (bits, new ReadOnlyHostTensor(values, layout));
    }
}

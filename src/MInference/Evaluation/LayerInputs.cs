namespace MInference.Evaluation;

/// <summary>
/// One attention layer's queries, keys and values on the host, [B, H, N, D] / [B, Hkv, N, D]
/// contiguous floats holding values of <see cref="DType"/> (see <see cref="RoundedTo"/>), so the CPU
/// backend computes on exactly the numbers the GPU backend uploads.
/// </summary>
public sealed class LayerInputs
{
    private LayerInputs(ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, DType dtype, Sparse.CausalProblem problem)
    {
        Q = q;
        K = k;
        V = v;
        DType = dtype;
        Problem = problem;
    }

    /// <summary>Queries, [B, H, N, D] contiguous.</summary>
    public ReadOnlyHostTensor Q { get; }

    /// <summary>Keys, [B, Hkv, N, D] contiguous.</summary>
    public ReadOnlyHostTensor K { get; }

    /// <summary>Values, [B, Hkv, N, D] contiguous.</summary>
    public ReadOnlyHostTensor V { get; }

    /// <summary>The element type the kernels run in: <see cref="DType.BFloat16"/> or <see cref="DType.Float16"/>.</summary>
    public DType DType { get; }

    /// <summary>B, batch elements.</summary>
    public int BatchSize => Problem.Batch;

    /// <summary>H, query heads.</summary>
    public int Heads => Problem.QHeads;

    /// <summary>Hkv, key/value heads; query head h reads h / (H / Hkv).</summary>
    public int KvHeads => Problem.KvHeads;

    /// <summary>N, queries and keys.</summary>
    public int SequenceLength => Problem.SequenceLength;

    /// <summary>D, head_dim.</summary>
    public int HeadDim => Problem.HeadDim;

    /// <summary>The output's layout, [B, H, N, D] contiguous.</summary>
    public TensorLayout OutputLayout => Q.Layout;

    internal Sparse.CausalProblem Problem { get; }

    /// <summary>
    /// Validates a causal self-attention layer (q_len == kv_len, H a multiple of Hkv, contiguous
    /// BHSD tensors) and rounds copies of q, k and v to <paramref name="dtype"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A shape rule is broken, or a tensor is not contiguous.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a 16-bit type.</exception>
    public static LayerInputs RoundedTo(DType dtype, ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        if (dtype is not (DType.BFloat16 or DType.Float16))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"dtype = {dtype}; the kernels run in BFloat16 or Float16");
        }

        foreach ((ReadOnlyHostTensor tensor, string name) in (ReadOnlySpan<(ReadOnlyHostTensor, string)>)[(q, nameof(q)), (k, nameof(k)), (v, nameof(v))])
        {
            if (!tensor.Layout.IsContiguous)
            {
                throw new ArgumentException($"{name} has strides {tensor.Layout}; expected a contiguous [B, heads, N, D] tensor", name);
            }
        }

        Sparse.CausalProblem problem = Sparse.CausalProblem.Validate(q, k, v, output: null);
        return new LayerInputs(Round(q, dtype), Round(k, dtype), Round(v, dtype), dtype, problem);
    }

    private static ReadOnlyHostTensor Round(ReadOnlyHostTensor tensor, DType dtype)
    {
        var values = tensor.Data.ToArray();
        var bits = new ushort[values.Length];
        HalfPrecision.Encode(values, bits, dtype);
        HalfPrecision.Decode(bits, values, dtype);
        return new ReadOnlyHostTensor(values, tensor.Layout);
    }
}

namespace MInference.Decode;

/// <summary>
/// Shape checks of the inputs of the KV caches' appends, and their rounding to the cache's 16-bit type.
/// A prompt is [kv_heads, P, head_dim]; a step is [B, kv_heads, head_dim] (one token per sequence); any strides.
/// </summary>
internal static class KvCacheInput
{
    /// <summary>Checks a prompt's keys and values and returns its length P.</summary>
    public static int CheckPrompt(ReadOnlyHostTensor keys, ReadOnlyHostTensor values, int kvHeads, int headDim)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        int tokens = keys.Layout.Rank == 3 ? (int)keys.Layout.Lengths[1] : -1;
        CheckShape(keys, [kvHeads, tokens, headDim], "[kv_heads, P, head_dim]", nameof(keys));
        CheckShape(values, [kvHeads, tokens, headDim], "[kv_heads, P, head_dim] like keys", nameof(values));
        return tokens;
    }

    /// <summary>Checks one decode step's keys and values.</summary>
    public static void CheckStep(ReadOnlyHostTensor keys, ReadOnlyHostTensor values, int batchSize, int kvHeads, int headDim)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        CheckShape(keys, [batchSize, kvHeads, headDim], "[B, kv_heads, head_dim]", nameof(keys));
        CheckShape(values, [batchSize, kvHeads, headDim], "[B, kv_heads, head_dim]", nameof(values));
    }

    /// <summary>Rounds element [first, second, 0..head_dim) of a rank-3 tensor to <paramref name="dtype"/>.</summary>
    public static void Round(ReadOnlyHostTensor tensor, int first, int second, DType dtype, Span<ushort> destination)
    {
        ReadOnlySpan<float> data = tensor.Data.Span;
        ReadOnlySpan<nint> strides = tensor.Layout.Strides;
        long origin = (first * strides[0]) + (second * strides[1]);
        Span<float> row = destination.Length <= 256 ? stackalloc float[destination.Length] : new float[destination.Length];
        for (int d = 0; d < row.Length; d++)
        {
            row[d] = data[(int)(origin + (d * strides[2]))];
        }

        HalfPrecision.Encode(row, destination, dtype);
    }

    /// <summary>Throws unless <paramref name="dtype"/> is Float16 or BFloat16.</summary>
    public static void CheckDType(DType dtype, string parameterName)
    {
        if (dtype is not (DType.Float16 or DType.BFloat16))
        {
            throw new ArgumentOutOfRangeException(parameterName, dtype, $"dtype {dtype}; expected Float16 or BFloat16 (the cache keeps 16-bit values)");
        }
    }

    /// <summary>Throws unless the sequence index is in [0, <paramref name="batchSize"/>).</summary>
    public static void CheckSequence(int sequence, int batchSize)
    {
        if (sequence < 0 || sequence >= batchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"sequence {sequence}; expected 0 to {batchSize - 1}");
        }
    }

    private static void CheckShape(ReadOnlyHostTensor tensor, int[] expected, string description, string name)
    {
        ReadOnlySpan<nint> lengths = tensor.Layout.Lengths;
        bool matches = tensor.Layout.Rank == expected.Length;
        for (int i = 0; matches && i < expected.Length; i++)
        {
            matches = lengths[i] == expected[i];
        }

        if (!matches)
        {
            throw new ArgumentException($"{name} has layout {tensor.Layout}; expected {description} = [{string.Join(", ", expected)}]", name);
        }

        ReadOnlySpan<float> data = tensor.Data.Span;
        ReadOnlySpan<nint> strides = tensor.Layout.Strides;
        for (long i = 0; i < lengths[0]; i++)
        {
            for (long j = 0; j < lengths[1]; j++)
            {
                for (long d = 0; d < lengths[2]; d++)
                {
                    float value = data[(int)((i * strides[0]) + (j * strides[1]) + (d * strides[2]))];
                    if (!float.IsFinite(value))
                    {
                        throw new ArgumentException($"{name}[{i}, {j}, {d}] = {value}; expected finite values", name);
                    }
                }
            }
        }
    }
}

namespace MInference.Decode;

/// <summary>
/// The plain baseline PQ is measured against: asymmetric uniform 4-bit quantization as KIVI does it,
/// keys per channel (over groups of tokens) and values per token. Each group of values gets its
/// minimum and step (max − min) / 15, both rounded to binary16 as they would be stored; a value becomes
/// round((x − min) / step) clamped to 0 … 15, and reads back as min + code · step.
/// </summary>
/// <remarks>
/// Bytes: 4 bits per element plus two binary16 numbers per group. At head_dim 128 with key groups of
/// 128 tokens that is 64 + 4 bytes per token and head for K and the same for V, against PQ's 64 bytes of
/// codes (M = 64) plus its codebooks (shared by every token): the same budget. The methods return the
/// values read back (quantize then dequantize), what attention over such a cache sees.
/// </remarks>
public static class UniformKvQuantizer
{
    /// <summary>Levels of a 4-bit code.</summary>
    public const int Levels = 16;

    /// <summary>Key group length in tokens used by the accuracy comparison: one flushed window.</summary>
    public const int DefaultKeyGroupTokens = 128;

    /// <summary>Quantizes keys [tokens, head_dim] per channel over consecutive groups of <paramref name="groupTokens"/> tokens (the last group may be shorter).</summary>
    /// <exception cref="ArgumentException">The lengths are not whole tokens or differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">head_dim or the group is under 1.</exception>
    public static void RoundTripKeys(ReadOnlySpan<float> keys, int headDim, int groupTokens, Span<float> result)
    {
        CheckLengths(keys, headDim, result);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupTokens, 1);
        int tokens = keys.Length / headDim;
        for (int start = 0; start < tokens; start += groupTokens)
        {
            int count = Math.Min(groupTokens, tokens - start);
            for (int c = 0; c < headDim; c++)
            {
                RoundTrip(keys, result, (start * headDim) + c, count, headDim);
            }
        }
    }

    /// <summary>Quantizes values [tokens, head_dim] per token (one group per row).</summary>
    /// <exception cref="ArgumentException">The lengths are not whole tokens or differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">head_dim is under 1.</exception>
    public static void RoundTripValues(ReadOnlySpan<float> values, int headDim, Span<float> result)
    {
        CheckLengths(values, headDim, result);
        for (int token = 0; token < values.Length / headDim; token++)
        {
            RoundTrip(values, result, token * headDim, headDim, 1);
        }
    }

    /// <summary>
    /// The uniform 4-bit baseline of one sequence of an exact cache, as a one-sequence cache: the same
    /// tokens, the first <paramref name="coded"/> of each kv head round-tripped (keys per channel over
    /// groups of <see cref="DefaultKeyGroupTokens"/>, values per token) and stored back in the cache's
    /// dtype, the rest exact — what a PQ cache holding <paramref name="coded"/> tokens as codes and the
    /// rest in its 16-bit window compares against.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The sequence is out of range, or <paramref name="coded"/> is not in [0, length].</exception>
    public static DenseKvCache BaselineCache(DenseKvCache exact, int sequence, int coded)
    {
        ArgumentNullException.ThrowIfNull(exact);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sequence, exact.BatchSize);
        int length = exact.Length(sequence);
        ArgumentOutOfRangeException.ThrowIfNegative(coded);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(coded, length);
        var baseline = new DenseKvCache(1, exact.KvHeads, exact.HeadDim, Math.Max(1, length), exact.DType);
        baseline.AppendPrompt(0, RoundTripPrefix(exact.Keys, exact, sequence, coded, keys: true), RoundTripPrefix(exact.Values, exact, sequence, coded, keys: false));
        return baseline;
    }

    /// <summary>[kv_heads, N, head_dim] of one sequence: its 16-bit rows widened, the first <paramref name="coded"/> of each head round-tripped.</summary>
    private static ReadOnlyHostTensor RoundTripPrefix(Func<int, int, ReadOnlySpan<ushort>> rows, DenseKvCache cache, int sequence, int coded, bool keys)
    {
        int dim = cache.HeadDim;
        int tokens = cache.Length(sequence);
        var result = new float[cache.KvHeads * tokens * dim];
        for (int head = 0; head < cache.KvHeads; head++)
        {
            Span<float> headRows = result.AsSpan(head * tokens * dim, tokens * dim);
            HalfPrecision.Decode(rows(sequence, head), headRows, cache.DType);
            float[] old = headRows[..(coded * dim)].ToArray();
            if (keys)
            {
                RoundTripKeys(old, dim, DefaultKeyGroupTokens, headRows[..(coded * dim)]);
            }
            else
            {
                RoundTripValues(old, dim, headRows[..(coded * dim)]);
            }
        }

        return new ReadOnlyHostTensor(result, TensorLayout.Contiguous(cache.KvHeads, tokens, dim));
    }

    /// <summary>Quantizes the <paramref name="count"/> elements at first, first + stride, … as one group.</summary>
    private static void RoundTrip(ReadOnlySpan<float> source, Span<float> destination, int first, int count, int stride)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int i = 0; i < count; i++)
        {
            float value = source[first + (i * stride)];
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        float storedMin = HalfPrecision.FromFloat16(HalfPrecision.ToFloat16(min));
        float step = HalfPrecision.FromFloat16(HalfPrecision.ToFloat16((max - min) / (Levels - 1)));
        for (int i = 0; i < count; i++)
        {
            int index = first + (i * stride);
            float code = step > 0 ? Math.Clamp(MathF.Round((source[index] - storedMin) / step), 0, Levels - 1) : 0;
            destination[index] = storedMin + (code * step);
        }
    }

    private static void CheckLengths(ReadOnlySpan<float> source, int headDim, Span<float> result)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(headDim, 1);
        if (source.Length % headDim != 0 || result.Length != source.Length)
        {
            throw new ArgumentException($"the input holds {source.Length} floats and the result {result.Length}; expected the same whole number of {headDim}-element tokens", nameof(result));
        }
    }
}

namespace MInference.Decode;

/// <summary>
/// The checks of <see cref="GpuPqKvCache"/>'s device inputs, made before anything is enqueued: a live
/// buffer on the cache's device, the cache's 16-bit type, rank 4 with the expected lengths, head_dim
/// contiguous, and every element inside the buffer.
/// </summary>
internal static class GpuPqKvCacheInput
{
    /// <summary>Checks a prompt's keys and values, [1, kv_heads, P, head_dim], and returns P (at most int.MaxValue).</summary>
    /// <exception cref="ArgumentException">A shape, the dtype, a stride or the extent is wrong.</exception>
    public static int CheckPrompt(GpuPqKvCache cache, DeviceTensor keys, DeviceTensor values)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        long tokens = keys.Layout.Rank == 4 ? keys.Layout.Lengths[2] : -1;
        const string expected = "[1, kv_heads, P, head_dim]";
        Check(cache, keys, [1, cache.KvHeads, tokens, cache.HeadDim], expected, nameof(keys));
        Check(cache, values, [1, cache.KvHeads, tokens, cache.HeadDim], expected + " with the keys' P", nameof(values));
        // A P past int.MaxValue is past every capacity: the capacity check reports it.
        return (int)Math.Min(tokens, int.MaxValue);
    }

    /// <summary>Checks one decode step's keys and values, [B, kv_heads, 1, head_dim].</summary>
    /// <exception cref="ArgumentException">A shape, the dtype, a stride or the extent is wrong.</exception>
    public static void CheckStep(GpuPqKvCache cache, DeviceTensor keys, DeviceTensor values)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        const string expected = "[B, kv_heads, 1, head_dim]";
        Check(cache, keys, [cache.BatchSize, cache.KvHeads, 1, cache.HeadDim], expected, nameof(keys));
        Check(cache, values, [cache.BatchSize, cache.KvHeads, 1, cache.HeadDim], expected, nameof(values));
    }

    /// <summary>Checks that an encode stream, when given, is alive and on the cache's device.</summary>
    /// <exception cref="ObjectDisposedException">The stream is disposed.</exception>
    /// <exception cref="ArgumentException">The stream belongs to another device.</exception>
    public static void CheckStream(GpuPqKvCache cache, GpuStream? stream, string name) => GpuStream.RequireUsableWith(stream, cache.Context, name);

    private static void Check(GpuPqKvCache cache, DeviceTensor tensor, long[] lengths, string description, string name)
    {
        tensor.Buffer.RequireUsableOn(cache.Context, name);
        if (tensor.DType != cache.DType)
        {
            throw new ArgumentException($"{name} is {tensor.DType}; the cache holds {cache.DType} (PqKvCacheOptions.DType)", name);
        }

        ReadOnlySpan<nint> actual = tensor.Layout.Lengths;
        bool matches = actual.Length == 4 && lengths[2] >= 0;
        for (int dimension = 0; matches && dimension < 4; dimension++)
        {
            matches = actual[dimension] == lengths[dimension];
        }

        if (!matches)
        {
            string headDim = actual.Length == 4 && actual[3] != cache.HeadDim
                ? $" (head_dim {actual[3]} does not match the codebooks' head_dim {cache.HeadDim})"
                : string.Empty;
            throw new ArgumentException($"{name} has layout {tensor.Layout}; expected {description} = [{string.Join(", ", lengths.Select(n => n < 0 ? "P" : n.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]{headDim}", name);
        }

        if (tensor.Layout.ElementCount > 0 && tensor.Layout.Strides[3] != 1)
        {
            throw new ArgumentException($"{name} has strides [{string.Join(", ", tensor.Layout.Strides.ToArray())}]; expected head_dim contiguous (stride 1)", name);
        }

        long capacity = tensor.Buffer.LengthInBytes / tensor.DType.ElementSize;
        if (tensor.ElementOffset > capacity || tensor.Layout.RequiredElementCount > capacity - tensor.ElementOffset)
        {
            throw new ArgumentException(
                $"{name} reaches elements [{tensor.ElementOffset}, {tensor.ElementOffset} + {tensor.Layout.RequiredElementCount}) but its buffer holds {capacity}", name);
        }
    }
}

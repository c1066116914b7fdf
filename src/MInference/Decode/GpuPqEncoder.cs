using MInference.Interop;

namespace MInference.Decode;

/// <summary>
/// The encode step on the GPU (<c>mi_pq_encode</c>): each head_dim / M sub-vector of a 16-bit token
/// becomes the index of its nearest centroid (squared distance in fp32, ties to the lowest index),
/// written as one byte into a code cache laid out [B, Hkv, capacity, M] (token-major, see
/// <see cref="PqKvCache"/>). The CPU reference is <see cref="PqEncoder"/>; the two agree except where
/// two centroids are within fp32 rounding of each other.
/// </summary>
public static class GpuPqEncoder
{
    /// <summary>
    /// Encodes tokens [0, counts[b]) of every (sequence b, kv head) of <paramref name="input"/> into code
    /// rows offsets[b] + t, enqueued on <paramref name="stream"/> or the context's stream (no allocation,
    /// no wait). Rows outside [0, capacity) are dropped, never written.
    /// </summary>
    /// <param name="context">The device and stream.</param>
    /// <param name="input">Float16 or BFloat16 [B, Hkv, T, D], head_dim contiguous; T bounds every count.</param>
    /// <param name="centroids">fp32 [Hkv (or 1 when shared), M, 256, D / M], contiguous.</param>
    /// <param name="subspaces">M: 32 or 64, dividing D.</param>
    /// <param name="sharedCodebook">One codebook for every kv head.</param>
    /// <param name="codes">The code cache, [B, Hkv, capacity, M] bytes, contiguous.</param>
    /// <param name="capacity">Code rows per (sequence, kv head).</param>
    /// <param name="offsets">Optional device int32 [B]: the code row of each sequence's token 0 (null: 0).</param>
    /// <param name="counts">Optional device int32 [B]: the tokens to encode of each sequence, at most T (null: T).</param>
    /// <param name="stream">The stream to encode on, for example a <see cref="GpuStreamPriority.Lowest"/> one beside decode (null: the context's).</param>
    /// <exception cref="ArgumentException">A shape, a buffer size or the dtype is wrong, or the stream is on another device.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="subspaces"/> or <paramref name="capacity"/> is out of range.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void Encode(
        GpuContext context,
        DeviceTensor input,
        DeviceBuffer centroids,
        int subspaces,
        bool sharedCodebook,
        DeviceBuffer codes,
        long capacity,
        DeviceBuffer? offsets = null,
        DeviceBuffer? counts = null,
        GpuStream? stream = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        GpuStream.RequireUsableWith(stream, context, nameof(stream));

        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(centroids);
        ArgumentNullException.ThrowIfNull(codes);
        input.Buffer.RequireUsableOn(context, nameof(input));
        centroids.RequireUsableOn(context, nameof(centroids));
        codes.RequireUsableOn(context, nameof(codes));
        offsets?.RequireUsableOn(context, nameof(offsets));
        counts?.RequireUsableOn(context, nameof(counts));
        if (input.DType is not (DType.Float16 or DType.BFloat16))
        {
            throw new ArgumentException($"input.DType is {input.DType}; the encoder reads Float16 or BFloat16", nameof(input));
        }

        ReadOnlySpan<nint> lengths = input.Layout.Lengths;
        if (lengths.Length != 4 || input.Layout.Strides[3] != 1)
        {
            throw new ArgumentException($"input is {input.Layout}; expected [B, Hkv, T, D] with D contiguous", nameof(input));
        }

        long batch = lengths[0], kvHeads = lengths[1], tokens = lengths[2], headDim = lengths[3];
        if (subspaces is not (32 or 64) || headDim % subspaces != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(subspaces), subspaces, $"M must be 32 or 64 and divide head_dim {headDim}");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        long codebookFloats = (sharedCodebook ? 1 : kvHeads) * headDim * PqCodebookOptions.SupportedCentroids;
        RequireBytes(centroids, codebookFloats * sizeof(float), nameof(centroids), $"[{(sharedCodebook ? 1 : kvHeads)}, {subspaces}, 256, {headDim / subspaces}] floats");
        RequireBytes(codes, batch * kvHeads * capacity * subspaces, nameof(codes), $"[{batch}, {kvHeads}, {capacity}, {subspaces}] bytes");
        if (offsets is not null)
        {
            RequireBytes(offsets, batch * sizeof(int), nameof(offsets), $"{batch} int32");
        }

        if (counts is not null)
        {
            RequireBytes(counts, batch * sizeof(int), nameof(counts), $"{batch} int32");
        }

        using var inputMemory = new SafeHandleLease(input.Buffer.Memory);
        using var centroidMemory = new SafeHandleLease(centroids.Memory);
        using var codeMemory = new SafeHandleLease(codes.Memory);
        using var offsetMemory = offsets is null ? default : new SafeHandleLease(offsets.Memory);
        using var countMemory = counts is null ? default : new SafeHandleLease(counts.Memory);
        var args = new MiPqEncodeArgs
        {
            DType = (MiDType)input.DType,
            Batch = batch,
            KvHeads = kvHeads,
            HeadDim = headDim,
            Subspaces = subspaces,
            MaxTokens = tokens,
            Input = MiTensorDescriptor.Of(input, inputMemory.Value),
            Centroids = centroidMemory.Value,
            SharedCodebook = sharedCodebook ? 1 : 0,
            Codes = codeMemory.Value,
            CodeBatchStride = kvHeads * capacity * subspaces,
            CodeHeadStride = capacity * subspaces,
            CodeTokenStride = subspaces,
            Capacity = capacity,
            Offsets = offsetMemory.Value,
            Counts = countMemory.Value,
        };
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_pq_encode(in args, (stream ?? context.Stream).Handle));
    }

    private static void RequireBytes(DeviceBuffer buffer, long bytes, string name, string what)
    {
        if (buffer.LengthInBytes < bytes)
        {
            throw new ArgumentException($"{name} holds {buffer.LengthInBytes} bytes; {what} need {bytes}", name);
        }
    }
}

using MInference.Interop;

namespace MInference.Decode;

/// <summary>
/// The native calls behind <see cref="GpuPqKvCache"/>: window writes and step appends on the
/// context's stream (<c>mi_kv_write_window</c>, <c>mi_kv_append_step</c>), encodes on the encode
/// stream (<c>mi_pq_encode</c>). Shapes are checked by the cache before it gets here; the native
/// layer validates again.
/// </summary>
internal static class GpuPqKvCacheLaunches
{
    /// <summary>Copies <paramref name="rows"/> rows per kv head into the window of <paramref name="sequence"/> from row <paramref name="firstRow"/> on, and sets its device lengths.</summary>
    /// <param name="cache">The cache.</param>
    /// <param name="sequence">The sequence written.</param>
    /// <param name="keys">[1, kv_heads, rows, head_dim] (only read when rows &gt; 0).</param>
    /// <param name="values">As <paramref name="keys"/>.</param>
    /// <param name="rows">Rows per kv head.</param>
    /// <param name="firstRow">Window row of the first copied row.</param>
    /// <param name="codedLength">The sequence's coded tokens after the write.</param>
    /// <param name="windowLength">The sequence's window tokens after the write.</param>
    public static void WriteWindow(GpuPqKvCache cache, int sequence, DeviceTensor keys, DeviceTensor values, int rows, int firstRow, int codedLength, int windowLength)
    {
        GpuPqKvCacheStorage storage = cache.Storage;
        using var keyMemory = new SafeHandleLease(keys.Buffer.Memory);
        using var valueMemory = new SafeHandleLease(values.Buffer.Memory);
        using var keyWindow = new SafeHandleLease(storage.KeyWindow.Memory);
        using var valueWindow = new SafeHandleLease(storage.ValueWindow.Memory);
        using var codedLengths = new SafeHandleLease(storage.CodedLengths.Memory);
        using var windowLengths = new SafeHandleLease(storage.WindowLengths.Memory);
        var args = new MiKvWriteWindowArgs
        {
            DType = (MiDType)cache.DType,
            Batch = cache.BatchSize,
            KvHeads = cache.KvHeads,
            HeadDim = cache.HeadDim,
            Window = cache.WindowTokens,
            Capacity = cache.Capacity,
            Sequence = sequence,
            Rows = rows,
            FirstRow = firstRow,
            Keys = MiTensorDescriptor.Of(keys, keyMemory.Value),
            Values = MiTensorDescriptor.Of(values, valueMemory.Value),
            WindowK = keyWindow.Value,
            WindowV = valueWindow.Value,
            CodedLens = codedLengths.Value,
            WindowLens = windowLengths.Value,
            CodedLength = codedLength,
            WindowLength = windowLength,
        };
        cache.Context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_kv_write_window(in args, cache.Context.Stream.Handle));
    }

    /// <summary>Copies the window slab of <paramref name="sequence"/> ([kv_heads, W, head_dim], keys and values) to staging, on the context's stream.</summary>
    public static void CopyWindowToStaging(GpuPqKvCache cache, int sequence)
    {
        GpuPqKvCacheStorage storage = cache.Storage;
        long slabBytes = (long)cache.KvHeads * cache.WindowTokens * cache.HeadDim * cache.DType.ElementSize;
        nint offset = (nint)(sequence * slabBytes);
        using var keyWindow = new SafeHandleLease(storage.KeyWindow.Memory);
        using var valueWindow = new SafeHandleLease(storage.ValueWindow.Memory);
        using var keyStaging = new SafeHandleLease(storage.KeyStaging.Memory);
        using var valueStaging = new SafeHandleLease(storage.ValueStaging.Memory);
        cache.Context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_memcpy_dtod(keyStaging.Value + offset, keyWindow.Value + offset, slabBytes, cache.Context.Stream.Handle));
        MiStatus.ThrowIfFailed(MiNative.mi_memcpy_dtod(valueStaging.Value + offset, valueWindow.Value + offset, slabBytes, cache.Context.Stream.Handle));
    }

    /// <summary>Appends one token per sequence at the device lengths; full windows go to staging and the flush plan is written.</summary>
    public static void AppendStep(GpuPqKvCache cache, DeviceTensor keys, DeviceTensor values)
    {
        GpuPqKvCacheStorage storage = cache.Storage;
        using var keyMemory = new SafeHandleLease(keys.Buffer.Memory);
        using var valueMemory = new SafeHandleLease(values.Buffer.Memory);
        using var keyWindow = new SafeHandleLease(storage.KeyWindow.Memory);
        using var valueWindow = new SafeHandleLease(storage.ValueWindow.Memory);
        using var keyStaging = new SafeHandleLease(storage.KeyStaging.Memory);
        using var valueStaging = new SafeHandleLease(storage.ValueStaging.Memory);
        using var codedLengths = new SafeHandleLease(storage.CodedLengths.Memory);
        using var windowLengths = new SafeHandleLease(storage.WindowLengths.Memory);
        using var flushOffsets = new SafeHandleLease(storage.FlushOffsets.Memory);
        using var flushCounts = new SafeHandleLease(storage.FlushCounts.Memory);
        var args = new MiKvAppendStepArgs
        {
            DType = (MiDType)cache.DType,
            Batch = cache.BatchSize,
            KvHeads = cache.KvHeads,
            HeadDim = cache.HeadDim,
            Window = cache.WindowTokens,
            Capacity = cache.Capacity,
            Keys = MiTensorDescriptor.Of(keys, keyMemory.Value),
            Values = MiTensorDescriptor.Of(values, valueMemory.Value),
            WindowK = keyWindow.Value,
            WindowV = valueWindow.Value,
            StagingK = keyStaging.Value,
            StagingV = valueStaging.Value,
            CodedLens = codedLengths.Value,
            WindowLens = windowLengths.Value,
            FlushOffsets = flushOffsets.Value,
            FlushCounts = flushCounts.Value,
        };
        cache.Context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_kv_append_step(in args, cache.Context.Stream.Handle));
    }

    /// <summary>Encodes the tokens of <paramref name="input"/> ([1, kv_heads, n, head_dim]) into code rows [firstRow, firstRow + n) of one sequence, on <paramref name="stream"/>.</summary>
    public static void EncodeRows(GpuPqKvCache cache, GpuStream stream, DeviceTensor input, bool keys, int sequence, int firstRow)
    {
        GpuPqKvCacheStorage storage = cache.Storage;
        long headStride = (long)cache.Capacity * cache.Subspaces;
        long sequenceStride = cache.KvHeads * headStride;
        using var inputMemory = new SafeHandleLease(input.Buffer.Memory);
        using var centroids = new SafeHandleLease((keys ? storage.KeyCentroids : storage.ValueCentroids).Memory);
        using var codes = new SafeHandleLease((keys ? storage.KeyCodes : storage.ValueCodes).Memory);
        MiPqEncodeArgs args = Describe(cache, input, inputMemory.Value, centroids.Value, batch: 1);
        args.Codes = codes.Value + (nint)((sequence * sequenceStride) + ((long)firstRow * cache.Subspaces));
        args.CodeBatchStride = sequenceStride;
        args.CodeHeadStride = headStride;
        args.Capacity = cache.Capacity - firstRow;
        cache.Context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_pq_encode(in args, stream.Handle));
    }

    /// <summary>Encodes the staged windows of the sequences a step flushed (device flush plan) into their code rows, on <paramref name="stream"/>.</summary>
    public static void EncodeFlush(GpuPqKvCache cache, GpuStream stream, bool keys)
    {
        GpuPqKvCacheStorage storage = cache.Storage;
        var staging = new DeviceTensor(keys ? storage.KeyStaging : storage.ValueStaging, cache.DType, cache.WindowLayout);
        long headStride = (long)cache.Capacity * cache.Subspaces;
        using var inputMemory = new SafeHandleLease(staging.Buffer.Memory);
        using var centroids = new SafeHandleLease((keys ? storage.KeyCentroids : storage.ValueCentroids).Memory);
        using var codes = new SafeHandleLease((keys ? storage.KeyCodes : storage.ValueCodes).Memory);
        using var offsets = new SafeHandleLease(storage.FlushOffsets.Memory);
        using var counts = new SafeHandleLease(storage.FlushCounts.Memory);
        MiPqEncodeArgs args = Describe(cache, staging, inputMemory.Value, centroids.Value, cache.BatchSize);
        args.Codes = codes.Value;
        args.CodeBatchStride = cache.KvHeads * headStride;
        args.CodeHeadStride = headStride;
        args.Capacity = cache.Capacity;
        args.Offsets = offsets.Value;
        args.Counts = counts.Value;
        cache.Context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_pq_encode(in args, stream.Handle));
    }

    private static MiPqEncodeArgs Describe(GpuPqKvCache cache, DeviceTensor input, nint inputAddress, nint centroids, int batch) => new()
    {
        DType = (MiDType)cache.DType,
        Batch = batch,
        KvHeads = cache.KvHeads,
        HeadDim = cache.HeadDim,
        Subspaces = cache.Subspaces,
        MaxTokens = input.Layout.Lengths[2],
        Input = MiTensorDescriptor.Of(input, inputAddress),
        Centroids = centroids,
        SharedCodebook = cache.Storage.SharedCodebook ? 1 : 0,
        CodeTokenStride = cache.Subspaces,
    };
}

using MInference.Interop;

namespace MInference.Decode;

/// <summary>
/// Decode attention over a product-quantized cache on the GPU (<c>mi_pq_decode</c>): scores by
/// q·centroid lookup tables built in shared memory, values dequantised on the fly, the 16-bit window
/// attended directly, one fp32 softmax over both, key ranges merged by log-sum-exp in a fixed order
/// (bit-identical run to run). The CPU reference is <see cref="CpuDecodeAttention.Pq"/>.
/// </summary>
public static class GpuPqDecode
{
    /// <summary>Most ranges the coded tokens of a (sequence, kv head) split into.</summary>
    public const int MaxSplits = 1024;

    /// <summary>Enqueues one decode step on the context's stream: no allocation, no wait.</summary>
    /// <param name="context">The device and stream.</param>
    /// <param name="cache">The cache.</param>
    /// <param name="q">Queries, [B, Hq, 1, D].</param>
    /// <param name="output">Written: [B, Hq, 1, D].</param>
    /// <param name="workspace">At least <see cref="WorkspaceSize"/> bytes.</param>
    /// <param name="logSumExp">Optional, written: fp32 [B, Hq], natural log.</param>
    /// <param name="splits">Ranges over the coded tokens, 1 to <see cref="MaxSplits"/>, or 0 to let the library choose.</param>
    /// <param name="softmaxScale">Score scale; null for 1 / sqrt(D).</param>
    /// <exception cref="ArgumentException">A shape, a buffer size or the workspace is wrong.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void Run(
        GpuContext context, GpuPqCacheView cache, DeviceTensor q, DeviceTensor output, DeviceBuffer workspace,
        DeviceBuffer? logSumExp = null, int splits = 0, float? softmaxScale = null)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        workspace.RequireUsableOn(context, nameof(workspace));
        // The native call checks the workspace size by the size query's rules: one validation per step.
        Call(context, cache, q, output, logSumExp, splits, softmaxScale, (in MiPqDecodeArgs args) =>
        {
            using var workspaceMemory = new SafeHandleLease(workspace.Memory);
            return MiNative.mi_pq_decode(in args, workspaceMemory.Value, workspace.LengthInBytes, context.Stream.Handle);
        });
    }

    /// <summary>The workspace bytes <see cref="Run"/> needs for these arguments (checked as for the call).</summary>
    /// <exception cref="ArgumentException">As for <see cref="Run"/>.</exception>
    public static long WorkspaceSize(
        GpuContext context, GpuPqCacheView cache, DeviceTensor q, DeviceTensor output,
        DeviceBuffer? logSumExp = null, int splits = 0, float? softmaxScale = null)
    {
        long bytes = 0;
        Call(context, cache, q, output, logSumExp, splits, softmaxScale, (in MiPqDecodeArgs args) => MiNative.mi_pq_decode_workspace_size(in args, out bytes));
        return bytes;
    }

    private delegate MiStatusCode NativeCall(in MiPqDecodeArgs args);

    /// <summary>Checks what the native layer cannot (buffer sizes), describes the operands and makes the call while they are leased.</summary>
    private static void Call(
        GpuContext context, GpuPqCacheView cache, DeviceTensor q, DeviceTensor output,
        DeviceBuffer? logSumExp, int splits, float? softmaxScale, NativeCall call)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cache);
        AttentionOperandChecks.RequireUsable(context, q, cache.KeyWindow, cache.ValueWindow, output, logSumExp);
        foreach ((DeviceBuffer buffer, string name) in new[]
        {
            (cache.KeyCodes, nameof(cache.KeyCodes)), (cache.ValueCodes, nameof(cache.ValueCodes)),
            (cache.KeyCentroids, nameof(cache.KeyCentroids)), (cache.ValueCentroids, nameof(cache.ValueCentroids)),
            (cache.CodedLengths, nameof(cache.CodedLengths)), (cache.WindowLengths, nameof(cache.WindowLengths)),
        })
        {
            buffer.RequireUsableOn(context, name);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(splits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(splits, MaxSplits);
        ReadOnlySpan<nint> window = cache.KeyWindow.Layout.Lengths;
        ReadOnlySpan<nint> queries = q.Layout.Lengths;
        if (window.Length != 4 || queries.Length != 4)
        {
            throw new ArgumentException($"q is {q.Layout} and the window {cache.KeyWindow.Layout}; expected [B, Hq, 1, D] and [B, Hkv, W, D]", nameof(q));
        }

        long batch = window[0], kvHeads = window[1], headDim = window[3];
        long codeBytes = batch * kvHeads * cache.Capacity * cache.Subspaces;
        long centroidBytes = (cache.SharedCodebook ? 1 : kvHeads) * headDim * PqCodebookOptions.SupportedCentroids * sizeof(float);
        RequireBytes(cache.KeyCodes, codeBytes, nameof(cache.KeyCodes));
        RequireBytes(cache.ValueCodes, codeBytes, nameof(cache.ValueCodes));
        RequireBytes(cache.KeyCentroids, centroidBytes, nameof(cache.KeyCentroids));
        RequireBytes(cache.ValueCentroids, centroidBytes, nameof(cache.ValueCentroids));
        RequireBytes(cache.CodedLengths, batch * sizeof(int), nameof(cache.CodedLengths));
        RequireBytes(cache.WindowLengths, batch * sizeof(int), nameof(cache.WindowLengths));

        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var outputMemory = new SafeHandleLease(output.Buffer.Memory);
        using var logSumExpMemory = logSumExp is null ? default : new SafeHandleLease(logSumExp.Memory);
        using var keyCodes = new SafeHandleLease(cache.KeyCodes.Memory);
        using var valueCodes = new SafeHandleLease(cache.ValueCodes.Memory);
        using var keyCentroids = new SafeHandleLease(cache.KeyCentroids.Memory);
        using var valueCentroids = new SafeHandleLease(cache.ValueCentroids.Memory);
        using var keyWindow = new SafeHandleLease(cache.KeyWindow.Buffer.Memory);
        using var valueWindow = new SafeHandleLease(cache.ValueWindow.Buffer.Memory);
        using var codedLengths = new SafeHandleLease(cache.CodedLengths.Memory);
        using var windowLengths = new SafeHandleLease(cache.WindowLengths.Memory);
        var args = new MiPqDecodeArgs
        {
            DType = (MiDType)q.DType,
            Batch = batch,
            QHeads = queries[1],
            KvHeads = kvHeads,
            HeadDim = headDim,
            Subspaces = cache.Subspaces,
            Capacity = cache.Capacity,
            Window = window[2],
            MaxCoded = cache.MaxCoded,
            Q = MiTensorDescriptor.Of(q, qMemory.Value),
            KeyCodes = keyCodes.Value,
            ValueCodes = valueCodes.Value,
            CodeBatchStride = kvHeads * cache.Capacity * cache.Subspaces,
            CodeHeadStride = cache.Capacity * cache.Subspaces,
            CodeTokenStride = cache.Subspaces,
            KeyCentroids = keyCentroids.Value,
            ValueCentroids = valueCentroids.Value,
            SharedCodebook = cache.SharedCodebook ? 1 : 0,
            WindowK = MiTensorDescriptor.Of(cache.KeyWindow, keyWindow.Value),
            WindowV = MiTensorDescriptor.Of(cache.ValueWindow, valueWindow.Value),
            CodedLens = codedLengths.Value,
            WindowLens = windowLengths.Value,
            O = MiTensorDescriptor.Of(output, outputMemory.Value),
            Lse = logSumExpMemory.Value,
            SoftmaxScale = softmaxScale ?? 0,
            Splits = splits,
        };
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(call(in args));
    }

    private static void RequireBytes(DeviceBuffer buffer, long bytes, string name)
    {
        if (buffer.LengthInBytes < bytes)
        {
            throw new ArgumentException($"{name} holds {buffer.LengthInBytes} bytes; the cache's shape needs {bytes}", name);
        }
    }
}

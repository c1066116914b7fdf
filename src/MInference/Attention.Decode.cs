using MInference.Interop;

namespace MInference;

public static partial class Attention
{
    /// <summary>Most key ranges a decode call splits a (sequence, kv head) into.</summary>
    public const int MaxDecodeSplits = 1024;

    /// <summary>
    /// Dense decode (flash-decoding): each sequence's one query token per head attends over the first
    /// <c>seqLens[b]</c> tokens of its cache, enqueued on <paramref name="context"/>'s stream without
    /// allocating or waiting. Each (sequence, kv head) is split into key ranges whose partial outputs
    /// merge by log-sum-exp in a fixed order, so the output is bit-identical run to run. A sequence of
    /// length 0 gives a zero output row and a log-sum-exp of −∞.
    /// </summary>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="q">Queries, [B, Hq, 1, D].</param>
    /// <param name="k">The key cache, [B, Hkv, capacity, D] (operand rules as for <see cref="Dense"/>).</param>
    /// <param name="v">The value cache, [B, Hkv, capacity, D].</param>
    /// <param name="sequenceLengths">Device int32 [B]: the tokens of each sequence, each in [0, <paramref name="maxLength"/>].</param>
    /// <param name="maxLength">An upper bound of the lengths known on the host, in [0, capacity]: it sizes the key ranges.</param>
    /// <param name="output">Written: [B, Hq, 1, D].</param>
    /// <param name="workspace">At least <see cref="DenseDecodeWorkspaceSize"/> bytes on the context's device.</param>
    /// <param name="logSumExp">Optional, written: fp32 [B, Hq], natural log.</param>
    /// <param name="splits">Key ranges per (sequence, kv head), 1 to <see cref="MaxDecodeSplits"/>, or 0 to let the library choose.</param>
    /// <param name="softmaxScale">Score scale; null for 1 / sqrt(D).</param>
    /// <exception cref="ArgumentException">An operand rule is broken, the lengths buffer is too short, or the workspace is too small.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/>, <paramref name="splits"/> or the scale is out of range.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void DenseDecode(
        GpuContext context,
        DeviceTensor q,
        DeviceTensor k,
        DeviceTensor v,
        DeviceBuffer sequenceLengths,
        long maxLength,
        DeviceTensor output,
        DeviceBuffer workspace,
        DeviceBuffer? logSumExp = null,
        int splits = 0,
        float? softmaxScale = null)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        workspace.RequireUsableOn(context, nameof(workspace));
        // The native call checks the workspace size against the same rules as the size query (one
        // validation per step, not two).
        MiDenseDecodeArgs args = DecodeArgs(context, q, k, v, sequenceLengths, maxLength, output, logSumExp, splits, softmaxScale);
        CallWithOperands(context, args, q, k, v, sequenceLengths, output, logSumExp, (in MiDenseDecodeArgs described) =>
        {
            using var workspaceMemory = new SafeHandleLease(workspace.Memory);
            return MiNative.mi_dense_decode(in described, workspaceMemory.Value, workspace.LengthInBytes, context.Stream.Handle);
        });
    }

    /// <summary>The workspace bytes <see cref="DenseDecode"/> needs for these arguments (checked as for the call).</summary>
    /// <exception cref="ArgumentException">As for <see cref="DenseDecode"/>.</exception>
    public static long DenseDecodeWorkspaceSize(
        GpuContext context,
        DeviceTensor q,
        DeviceTensor k,
        DeviceTensor v,
        DeviceBuffer sequenceLengths,
        long maxLength,
        DeviceTensor output,
        DeviceBuffer? logSumExp = null,
        int splits = 0,
        float? softmaxScale = null)
    {
        MiDenseDecodeArgs args = DecodeArgs(context, q, k, v, sequenceLengths, maxLength, output, logSumExp, splits, softmaxScale);
        long bytes = 0;
        CallWithOperands(context, args, q, k, v, sequenceLengths, output, logSumExp, (in MiDenseDecodeArgs described) => MiNative.mi_dense_decode_workspace_size(in described, out bytes));
        return bytes;
    }

    private delegate MiStatusCode DenseDecodeCall(in MiDenseDecodeArgs args);

    /// <summary>Validates a decode call and returns its arguments without device pointers.</summary>
    private static MiDenseDecodeArgs DecodeArgs(
        GpuContext context,
        DeviceTensor q,
        DeviceTensor k,
        DeviceTensor v,
        DeviceBuffer sequenceLengths,
        long maxLength,
        DeviceTensor output,
        DeviceBuffer? logSumExp,
        int splits,
        float? softmaxScale)
    {
        AttentionOperandChecks.RequireUsable(context, q, k, v, output, logSumExp);
        ArgumentNullException.ThrowIfNull(sequenceLengths);
        sequenceLengths.RequireUsableOn(context, nameof(sequenceLengths));
        // The step is dense attention of one query row over the whole cache: every operand rule is the same.
        ValidatedDenseAttention call = DenseAttentionValidation.Validate(
            DeviceOperand.Of(q, nameof(q)),
            DeviceOperand.Of(k, nameof(k)),
            DeviceOperand.Of(v, nameof(v)),
            DeviceOperand.Of(output, nameof(output)),
            new DenseAttentionOptions { SoftmaxScale = softmaxScale },
            logSumExp is null ? null : new LogSumExpTarget(logSumExp, logSumExp.LengthInBytes));
        AttentionShape shape = call.Shape;
        if (shape.QLen != 1)
        {
            throw new ArgumentException($"q holds {shape.QLen} query rows per head; decode takes one ([B, Hq, 1, D])", nameof(q));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLength, shape.KvLen);
        ArgumentOutOfRangeException.ThrowIfNegative(splits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(splits, MaxDecodeSplits);
        if (sequenceLengths.LengthInBytes < shape.Batch * sizeof(int))
        {
            throw new ArgumentException($"sequenceLengths holds {sequenceLengths.LengthInBytes} bytes; {shape.Batch} int32 lengths need {shape.Batch * sizeof(int)}", nameof(sequenceLengths));
        }

        var args = new MiDenseDecodeArgs
        {
            DType = (MiDType)q.DType,
            Batch = shape.Batch,
            QHeads = shape.QHeads,
            KvHeads = shape.KvHeads,
            HeadDim = shape.HeadDim,
            Capacity = shape.KvLen,
            MaxLen = maxLength,
            SoftmaxScale = call.SoftmaxScale,
            Splits = splits,
        };

        return args;
    }

    /// <summary>Describes the operands into <paramref name="args"/> and makes the native call while they are leased.</summary>
    private static void CallWithOperands(
        GpuContext context,
        MiDenseDecodeArgs args,
        DeviceTensor q,
        DeviceTensor k,
        DeviceTensor v,
        DeviceBuffer sequenceLengths,
        DeviceTensor output,
        DeviceBuffer? logSumExp,
        DenseDecodeCall call)
    {
        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var kMemory = new SafeHandleLease(k.Buffer.Memory);
        using var vMemory = new SafeHandleLease(v.Buffer.Memory);
        using var outputMemory = new SafeHandleLease(output.Buffer.Memory);
        using var lengthsMemory = new SafeHandleLease(sequenceLengths.Memory);
        using var logSumExpMemory = logSumExp is null ? default : new SafeHandleLease(logSumExp.Memory);
        args.Q = MiTensorDescriptor.Of(q, qMemory.Value);
        args.K = MiTensorDescriptor.Of(k, kMemory.Value);
        args.V = MiTensorDescriptor.Of(v, vMemory.Value);
        args.O = MiTensorDescriptor.Of(output, outputMemory.Value);
        args.SeqLens = lengthsMemory.Value;
        args.Lse = logSumExpMemory.Value;
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(call(in args));
    }
}

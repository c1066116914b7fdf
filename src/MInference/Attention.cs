using MInference.Interop;

namespace MInference;

/// <summary>Attention on the GPU. For the CPU reference with the same semantics see <see cref="CpuAttention"/>.</summary>
public static partial class Attention
{
    /// <summary>
    /// Dense attention, <c>output = softmax(scale · q kᵀ [+ causal mask]) v</c> with fp32 accumulation,
    /// enqueued on <paramref name="context"/>'s stream; returns without waiting. The results are
    /// ready after <see cref="GpuContext.Synchronize"/> or a copy to the host from the same context.
    /// Keep every buffer alive and the inputs unchanged until then.
    /// </summary>
    /// <remarks>
    /// Operands use logical order [batch, heads, seq, head_dim] (other memory orders through strides,
    /// e.g. <see cref="TensorLayout.Bshd"/>): q and output are [B, Hq, Nq, D], k and v are
    /// [B, Hkv, Nkv, D] with Hq a multiple of Hkv (query head h reads key/value head h / (Hq / Hkv)).
    /// All four share one dtype (Float16 or BFloat16); D is one of <see cref="AttentionHeadDims.Supported"/> (64, 96, 128); the head_dim stride is 1 and
    /// the others are multiples of 8 elements; each view starts 16-byte aligned, fits its buffer,
    /// and the output overlaps no input. Everything is checked before launch: on an exception the
    /// output and <paramref name="logSumExp"/> are untouched.
    /// </remarks>
    /// <param name="context">The device and stream to run on; every buffer must live on its device.</param>
    /// <param name="q">Queries, [B, Hq, Nq, D].</param>
    /// <param name="k">Keys, [B, Hkv, Nkv, D].</param>
    /// <param name="v">Values, [B, Hkv, Nkv, D].</param>
    /// <param name="output">Written: [B, Hq, Nq, D].</param>
    /// <param name="options">Causal mask (bottom-right aligned, needs Nq &lt;= Nkv) and softmax scale.</param>
    /// <param name="logSumExp">
    /// Optional, written: fp32 [B, Hq, Nq] contiguous at the start of the buffer, the natural-log
    /// log-sum-exp of each query row's scaled scores.
    /// </param>
    /// <exception cref="ArgumentException">A shape, dtype, stride, alignment, bound or overlap rule is broken (the message names the parameter).</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void Dense(
        GpuContext context,
        DeviceTensor q,
        DeviceTensor k,
        DeviceTensor v,
        DeviceTensor output,
        DenseAttentionOptions options = default,
        DeviceBuffer? logSumExp = null)
    {
        Run(context, q, k, v, output, options, logSumExp, MiNative.mi_attention_dense_fwd);
    }

    /// <summary>The native entry point a validated call ends in, given the operands' arguments.</summary>
    private delegate MiStatusCode NativeAttentionCall(in MiDenseAttentionArgs args, StreamHandle stream);

    /// <summary>
    /// Checks the context, the buffers and every operand rule, describes the operands for the C ABI
    /// and makes <paramref name="nativeCall"/> while the buffers are leased.
    /// </summary>
    private static void Run(
        GpuContext context,
        DeviceTensor q,
        DeviceTensor k,
        DeviceTensor v,
        DeviceTensor output,
        DenseAttentionOptions options,
        DeviceBuffer? logSumExp,
        NativeAttentionCall nativeCall)
    {
        AttentionOperandChecks.RequireUsable(context, q, k, v, output, logSumExp);

        ValidatedDenseAttention call = DenseAttentionValidation.Validate(
            DeviceOperand.Of(q, nameof(q)),
            DeviceOperand.Of(k, nameof(k)),
            DeviceOperand.Of(v, nameof(v)),
            DeviceOperand.Of(output, nameof(output)),
            options,
            logSumExp is null ? null : new LogSumExpTarget(logSumExp, logSumExp.LengthInBytes));

        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var kMemory = new SafeHandleLease(k.Buffer.Memory);
        using var vMemory = new SafeHandleLease(v.Buffer.Memory);
        using var outputMemory = new SafeHandleLease(output.Buffer.Memory);
        using var logSumExpMemory = logSumExp is null ? default : new SafeHandleLease(logSumExp.Memory);
        var args = new MiDenseAttentionArgs
        {
            DType = (MiDType)q.DType,
            Batch = call.Shape.Batch,
            QHeads = call.Shape.QHeads,
            KvHeads = call.Shape.KvHeads,
            QLen = call.Shape.QLen,
            KvLen = call.Shape.KvLen,
            HeadDim = call.Shape.HeadDim,
            Q = MiTensorDescriptor.Of(q, qMemory.Value),
            K = MiTensorDescriptor.Of(k, kMemory.Value),
            V = MiTensorDescriptor.Of(v, vMemory.Value),
            O = MiTensorDescriptor.Of(output, outputMemory.Value),
            Lse = logSumExpMemory.Value,
            SoftmaxScale = call.SoftmaxScale,
            Causal = options.Causal ? 1 : 0,
        };
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(nativeCall(in args, context.Stream.Handle));
    }
}

using MInference.Interop;

namespace MInference.Sla;

/// <summary>
/// Sparse-linear attention (SLA) on the GPU, with the semantics of the CPU reference
/// (<see cref="SlaBlockMask.Predict"/>, <see cref="SlaReference"/>): mask prediction from pooled Q
/// and K, then O = O_s + Proj(O_l), the critical blocks by exact softmax attention and the linear
/// branch by φ(q)·H / φ(q)·Z. Self-attention, bidirectional: q, k, v and the output are all
/// [B, H, N, D] (logical order; other memory orders through strides), Float16 or BFloat16, D one of
/// <see cref="AttentionHeadDims.Supported"/>, N from 1 to <see cref="MaxSequenceLength"/>, under
/// the dense kernels' stride, alignment and overlap rules (see <see cref="Attention.Dense"/>).
/// Everything is checked before anything is launched; work is enqueued on the context's stream.
/// Each step has a form that allocates what it needs and one that takes caller-allocated buffers
/// and a workspace, for loops that must not allocate.
/// </summary>
public static partial class GpuSparseLinearAttention
{
    /// <summary>The longest sequence the kernels take: 2^21 tokens.</summary>
    public const int MaxSequenceLength = 1 << 21;

    private delegate MiStatusCode NativeMaskCall(in MiSlaMaskArgs args);

    /// <summary>
    /// Predicts the block mask of every (batch, head): Q and K mean-pooled over 64-token blocks (K
    /// first minus its mean over tokens with <see cref="SlaOptions.SmoothKeys"/>), pooled scores in
    /// TF32 with fp32 accumulation, and per query block the <see cref="SlaOptions.CriticalBlocks"/>
    /// best key blocks critical, the <see cref="SlaOptions.NegligibleBlocks"/> worst negligible, the
    /// rest marginal (equal scores: the smaller key block ranks first). Allocates the mask and a
    /// temporary workspace; the workspace is freed on return, after the work.
    /// </summary>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, H, N, D].</param>
    /// <param name="options">k_h, k_l and smooth-K (the other settings are the forward's).</param>
    /// <param name="keepClasses">Also keep the class of every pair, for <see cref="SlaDeviceMask.CopyClassesToHost"/>.</param>
    /// <returns>The mask; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An operand rule is broken or k's shape differs from q's (the message names the parameter).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static SlaDeviceMask PredictMask(GpuContext context, DeviceTensor q, DeviceTensor k, SlaOptions options, bool keepClasses = false)
    {
        ValidateMaskCall(context, q, k, options);
        SlaDeviceMask mask = SlaDeviceMask.Allocate(context, q, options, keepClasses);
        try
        {
            using var workspace = new DeviceBuffer(context, Math.Max(MaskWorkspaceSize(context, q, k, options, mask), 1));
            PredictMask(context, q, k, options, mask, workspace);
            return mask;
        }
        catch
        {
            mask.Dispose();
            throw;
        }
    }

    /// <summary>
    /// As <see cref="PredictMask(GpuContext, DeviceTensor, DeviceTensor, SlaOptions, bool)"/>, into a
    /// mask from <see cref="SlaDeviceMask.Allocate"/> with a caller's workspace: no allocation, no wait.
    /// </summary>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, H, N, D].</param>
    /// <param name="options">k_h, k_l and smooth-K; the per-row counts must be the mask's.</param>
    /// <param name="mask">Written; made for q's batch, heads and N with these options.</param>
    /// <param name="workspace">At least <see cref="MaskWorkspaceSize"/> bytes on the context's device.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An operand rule is broken, the mask does not fit, or the workspace is too small.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context, a buffer or the mask is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void PredictMask(GpuContext context, DeviceTensor q, DeviceTensor k, SlaOptions options, SlaDeviceMask mask, DeviceBuffer workspace)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(workspace);
        workspace.RequireUsableOn(context, nameof(workspace));
        // The native call checks the workspace size by the size query's rules: one validation per step.
        MaskCall(context, q, k, options, mask, (in MiSlaMaskArgs args) =>
        {
            using var workspaceMemory = new SafeHandleLease(workspace.Memory);
            return MiNative.mi_sla_mask(in args, workspaceMemory.Value, workspace.LengthInBytes, context.Stream.Handle);
        });
    }

    /// <summary>The workspace bytes a mask prediction into <paramref name="mask"/> needs (checked as for the call).</summary>
    /// <exception cref="ArgumentException">As for <see cref="PredictMask(GpuContext, DeviceTensor, DeviceTensor, SlaOptions, SlaDeviceMask, DeviceBuffer)"/>.</exception>
    public static long MaskWorkspaceSize(GpuContext context, DeviceTensor q, DeviceTensor k, SlaOptions options, SlaDeviceMask mask)
    {
        long bytes = 0;
        MaskCall(context, q, k, options, mask, (in MiSlaMaskArgs args) => MiNative.mi_sla_mask_workspace_size(in args, out bytes));
        return bytes;
    }

    /// <summary>The checks of a mask prediction that need no mask: live operands on the context's device, valid options and operand rules.</summary>
    private static SlaShape ValidateMaskCall(GpuContext context, DeviceTensor q, DeviceTensor k, SlaOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(options);
        context.ThrowIfDisposed();
        q.Buffer.RequireUsableOn(context, nameof(q));
        k.Buffer.RequireUsableOn(context, nameof(k));
        SlaOperandValidation.RequireValid(options);
        return SlaOperandValidation.ValidateMask(DeviceOperand.Of(q, nameof(q)), DeviceOperand.Of(k, nameof(k)));
    }

    /// <summary>Validates a prediction into <paramref name="mask"/>, describes it and makes <paramref name="call"/> while the buffers are leased.</summary>
    private static void MaskCall(GpuContext context, DeviceTensor q, DeviceTensor k, SlaOptions options, SlaDeviceMask mask, NativeMaskCall call)
    {
        SlaShape shape = ValidateMaskCall(context, q, k, options);
        ArgumentNullException.ThrowIfNull(mask);
        mask.RequireFits(context, shape, nameof(mask));
        mask.RequireCounts(options, nameof(mask));
        int critical = options.CriticalBlocks(shape.Blocks), negligible = options.NegligibleBlocks(shape.Blocks);

        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var kMemory = new SafeHandleLease(k.Buffer.Memory);
        using var criticalRows = new SafeHandleLease(mask.Critical.RowPointers.Memory);
        using var criticalValues = new SafeHandleLease(mask.Critical.Values.Memory);
        using var negligibleRows = new SafeHandleLease(mask.Negligible.RowPointers.Memory);
        using var negligibleValues = new SafeHandleLease(mask.Negligible.Values.Memory);
        using var classes = mask.Classes is null ? default : new SafeHandleLease(mask.Classes.Memory);
        var args = new MiSlaMaskArgs
        {
            DType = (MiDType)q.DType,
            Batch = shape.Batch,
            Heads = shape.Heads,
            SeqLen = shape.SequenceLength,
            HeadDim = shape.HeadDim,
            Q = MiTensorDescriptor.Of(q, qMemory.Value),
            K = MiTensorDescriptor.Of(k, kMemory.Value),
            Critical = critical,
            Negligible = negligible,
            SmoothKeys = options.SmoothKeys ? 1 : 0,
            Causal = options.Causal ? 1 : 0,
            CriticalFraction = options.CriticalFraction,
            NegligibleFraction = options.NegligibleFraction,
            CriticalRowPtr = criticalRows.Value,
            CriticalBlocks = criticalValues.Value,
            NegligibleRowPtr = negligibleRows.Value,
            NegligibleBlocks = negligibleValues.Value,
            Classes = classes.Value,
        };
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(call(in args));
    }
}

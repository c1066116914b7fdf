using MInference.Interop;

namespace MInference.Sla;

public static partial class GpuSparseLinearAttention
{
    private delegate MiStatusCode NativeForwardCall(in MiSlaForwardArgs args);

    /// <summary>
    /// SLA's forward, O = O_s + O_l·Wᵀ + b: O_s = softmax(scale · Q Kᵀ) V over each query block's
    /// critical key blocks (exact, with its log-sum-exp), O_l = φ(q)·H / φ(q)·Z over the linear
    /// branch's keys (<see cref="SlaOptions.LinearBranch"/>: a row's marginal blocks, or every key),
    /// in fp32 state. Predicts the mask first unless one is given, allocates the saved state and a
    /// temporary workspace (freed on return, after the work), and enqueues the forward.
    /// </summary>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, H, N, D].</param>
    /// <param name="v">Values, [B, H, N, D].</param>
    /// <param name="projection">Proj, D × D, shared by every head.</param>
    /// <param name="options">φ, the linear branch, the softmax scale (0: 1/√D); k_h, k_l and smooth-K when the mask is predicted here.</param>
    /// <param name="output">Written: O, [B, H, N, D]; must not overlap q, k or v.</param>
    /// <param name="mask">A mask for these operands (any k_h and k_l; the caller keeps owning it), or null to predict one with <paramref name="options"/>.</param>
    /// <returns>O_s, O_l, the log-sum-exp and the mask, for the backward; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="mask"/> is null.</exception>
    /// <exception cref="ArgumentException">An operand rule is broken, the shapes differ, the projection is not D × D, or the mask was made for other sizes (the message names the parameter).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context, a buffer, the projection or the mask is disposed.</exception>
    /// <exception cref="CudaException">A launch failed.</exception>
    public static SlaDeviceSavedState Forward(
        GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, SlaDeviceProjection projection, SlaOptions options, DeviceTensor output, SlaDeviceMask? mask = null)
    {
        SlaShape shape = ValidateForwardCall(context, q, k, v, projection, options, output, state: null).Shape;
        mask?.RequireFits(context, shape, nameof(mask));
        mask?.RequireCausality(options, nameof(mask));
        SlaDeviceMask used = mask ?? PredictMask(context, q, k, options);
        SlaDeviceSavedState state = SlaDeviceSavedState.Allocate(context, q, used, ownsMask: mask is null);
        try
        {
            using var workspace = new DeviceBuffer(context, Math.Max(ForwardWorkspaceSize(context, q, k, v, projection, options, output, state), 1));
            Forward(context, q, k, v, projection, options, output, state, workspace);
            return state;
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }

    /// <summary>
    /// As <see cref="Forward(GpuContext, DeviceTensor, DeviceTensor, DeviceTensor, SlaDeviceProjection, SlaOptions, DeviceTensor, SlaDeviceMask)"/>,
    /// over <paramref name="state"/>'s mask and into its buffers, with a caller's workspace: no
    /// allocation, no wait, no mask prediction (predict into <c>state.Mask</c> first when the inputs change).
    /// </summary>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, H, N, D].</param>
    /// <param name="v">Values, [B, H, N, D].</param>
    /// <param name="projection">Proj, D × D.</param>
    /// <param name="options">φ, the linear branch and the softmax scale.</param>
    /// <param name="output">Written: O, [B, H, N, D]; must not overlap q, k or v.</param>
    /// <param name="state">From <see cref="SlaDeviceSavedState.Allocate(GpuContext, DeviceTensor, SlaDeviceMask)"/> for these operands: its mask is read, O_s, O_l and the log-sum-exp written.</param>
    /// <param name="workspace">At least <see cref="ForwardWorkspaceSize"/> bytes on the context's device.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An operand rule is broken, the state does not fit, an operand lives in the state's buffers, or the workspace is too small.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context, a buffer, the projection or the state is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void Forward(
        GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, SlaDeviceProjection projection, SlaOptions options, DeviceTensor output,
        SlaDeviceSavedState state, DeviceBuffer workspace)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(workspace);
        workspace.RequireUsableOn(context, nameof(workspace));
        // The native call checks the workspace size by the size query's rules: one validation per step.
        ForwardCall(context, q, k, v, projection, options, output, state, (in MiSlaForwardArgs args) =>
        {
            using var workspaceMemory = new SafeHandleLease(workspace.Memory);
            return MiNative.mi_sla_forward(in args, workspaceMemory.Value, workspace.LengthInBytes, context.Stream.Handle);
        });
    }

    /// <summary>The workspace bytes a forward into <paramref name="state"/> needs (checked as for the call).</summary>
    /// <exception cref="ArgumentException">As for <see cref="Forward(GpuContext, DeviceTensor, DeviceTensor, DeviceTensor, SlaDeviceProjection, SlaOptions, DeviceTensor, SlaDeviceSavedState, DeviceBuffer)"/>.</exception>
    public static long ForwardWorkspaceSize(
        GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, SlaDeviceProjection projection, SlaOptions options, DeviceTensor output, SlaDeviceSavedState state)
    {
        long bytes = 0;
        ForwardCall(context, q, k, v, projection, options, output, state, (in MiSlaForwardArgs args) => MiNative.mi_sla_forward_workspace_size(in args, out bytes));
        return bytes;
    }

    /// <summary>Every check of a forward: live operands on the context's device, valid options, operand rules, and the state when given.</summary>
    private static (SlaShape Shape, float SoftmaxScale) ValidateForwardCall(
        GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, SlaDeviceProjection projection, SlaOptions options, DeviceTensor output, SlaDeviceSavedState? state)
    {
        AttentionOperandChecks.RequireUsable(context, q, k, v, output, logSumExp: null);
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(projection.IsDisposed, projection);
        projection.Weight.RequireUsableOn(context, nameof(projection));
        (SlaShape shape, float scale) = SlaOperandValidation.ValidateForward(
            DeviceOperand.Of(q, nameof(q)), DeviceOperand.Of(k, nameof(k)), DeviceOperand.Of(v, nameof(v)), DeviceOperand.Of(output, nameof(output)), options, state?.BufferOperands() ?? []);
        SlaOperandValidation.RequireProjection(projection.HeadDim, shape, nameof(projection));
        state?.RequireFits(context, shape, q.DType, nameof(state));
        state?.Mask.RequireCausality(options, nameof(state));
        return (shape, scale);
    }

    /// <summary>Validates a forward into <paramref name="state"/>, describes it and makes <paramref name="call"/> while the buffers are leased.</summary>
    private static void ForwardCall(
        GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, SlaDeviceProjection projection, SlaOptions options, DeviceTensor output,
        SlaDeviceSavedState state, NativeForwardCall call)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        (SlaShape shape, float scale) = ValidateForwardCall(context, q, k, v, projection, options, output, state);
        SlaDeviceMask mask = state.Mask;
        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var kMemory = new SafeHandleLease(k.Buffer.Memory);
        using var vMemory = new SafeHandleLease(v.Buffer.Memory);
        using var outputMemory = new SafeHandleLease(output.Buffer.Memory);
        using var sparseMemory = new SafeHandleLease(state.SparseOutput.Buffer.Memory);
        using var linearMemory = new SafeHandleLease(state.LinearOutput.Buffer.Memory);
        using var logSumExpMemory = new SafeHandleLease(state.LogSumExp.Memory);
        using var inverseDenominatorsMemory = new SafeHandleLease(state.InverseDenominators.Memory);
        using var weightMemory = new SafeHandleLease(projection.Weight.Memory);
        using var biasMemory = new SafeHandleLease(projection.Bias.Memory);
        using var criticalRows = new SafeHandleLease(mask.Critical.RowPointers.Memory);
        using var criticalValues = new SafeHandleLease(mask.Critical.Values.Memory);
        using var negligibleRows = new SafeHandleLease(mask.Negligible.RowPointers.Memory);
        using var negligibleValues = new SafeHandleLease(mask.Negligible.Values.Memory);
        var args = new MiSlaForwardArgs
        {
            DType = (MiDType)q.DType,
            Batch = shape.Batch,
            Heads = shape.Heads,
            SeqLen = shape.SequenceLength,
            HeadDim = shape.HeadDim,
            Q = MiTensorDescriptor.Of(q, qMemory.Value),
            K = MiTensorDescriptor.Of(k, kMemory.Value),
            V = MiTensorDescriptor.Of(v, vMemory.Value),
            O = MiTensorDescriptor.Of(output, outputMemory.Value),
            OSparse = MiTensorDescriptor.Of(state.SparseOutput, sparseMemory.Value),
            OLinear = MiTensorDescriptor.Of(state.LinearOutput, linearMemory.Value),
            Lse = logSumExpMemory.Value,
            ProjWeight = weightMemory.Value,
            ProjBias = biasMemory.Value,
            SoftmaxScale = scale,
            FeatureMap = (MiSlaFeatureMap)options.FeatureMap,
            LinearBranch = (MiSlaLinearBranch)options.LinearBranch,
            Critical = new MiCsrIndex { RowPtr = criticalRows.Value, Values = criticalValues.Value, ValueCount = mask.Critical.ValueCount },
            Negligible = new MiCsrIndex { RowPtr = negligibleRows.Value, Values = negligibleValues.Value, ValueCount = mask.Negligible.ValueCount },
            LinearInvDen = inverseDenominatorsMemory.Value,
            Causal = options.Causal ? 1 : 0,
        };
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(call(in args));
    }
}

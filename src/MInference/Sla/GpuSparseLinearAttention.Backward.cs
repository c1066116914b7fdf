using MInference.Interop;

namespace MInference.Sla;

public static partial class GpuSparseLinearAttention
{
    private delegate MiStatusCode NativeBackwardCall(in MiSlaBackwardArgs args);

    /// <summary>
    /// SLA's backward for the output gradient dO, with the forward's mask held fixed: dQ, dK and dV
    /// (the critical blocks by FlashAttention-2's backward, the linear branch by the paper's
    /// Algorithm 2, both read from <paramref name="state"/>), and the projection's dW and db summed
    /// over every (batch, head). Deterministic: the same inputs give bit-identical gradients.
    /// Allocates the projection's gradients and a temporary workspace (freed on return, after the
    /// work), and enqueues the backward.
    /// </summary>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="q">The forward's queries, [B, H, N, D], unchanged since.</param>
    /// <param name="k">The forward's keys.</param>
    /// <param name="v">The forward's values.</param>
    /// <param name="projection">The forward's Proj.</param>
    /// <param name="options">The forward's φ, linear branch and softmax scale (k_h, k_l and smooth-K are not read: the mask is the state's).</param>
    /// <param name="state">What the forward over these operands left: its mask, O_s, O_l, the log-sum-exp and the inverse denominators.</param>
    /// <param name="outputGradient">dO, [B, H, N, D]; must not overlap q, k or v.</param>
    /// <param name="queryGradient">Written: dQ, [B, H, N, D].</param>
    /// <param name="keyGradient">Written: dK, [B, H, N, D].</param>
    /// <param name="valueGradient">Written: dV, [B, H, N, D]. No gradient may overlap an input or another gradient.</param>
    /// <returns>dW and db; the caller disposes them.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An operand rule is broken, the shapes differ from the state's, a gradient overlaps an input or another gradient, an operand lives in the state's buffers, or the projection is not D × D (the message names the parameter).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context, a buffer, the projection or the state is disposed.</exception>
    /// <exception cref="CudaException">A launch failed.</exception>
    public static SlaDeviceProjectionGradients Backward(
        GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, SlaDeviceProjection projection, SlaOptions options, SlaDeviceSavedState state,
        DeviceTensor outputGradient, DeviceTensor queryGradient, DeviceTensor keyGradient, DeviceTensor valueGradient)
    {
        SlaShape shape = ValidateBackwardCall(context, q, k, v, projection, options, state, outputGradient, queryGradient, keyGradient, valueGradient).Shape;
        SlaDeviceProjectionGradients gradients = SlaDeviceProjectionGradients.Allocate(context, shape.HeadDim);
        try
        {
            long workspaceBytes = BackwardWorkspaceSize(context, q, k, v, projection, options, state, outputGradient, queryGradient, keyGradient, valueGradient, gradients);
            using var workspace = new DeviceBuffer(context, Math.Max(workspaceBytes, 1));
            Backward(context, q, k, v, projection, options, state, outputGradient, queryGradient, keyGradient, valueGradient, gradients, workspace);
            return gradients;
        }
        catch
        {
            gradients.Dispose();
            throw;
        }
    }

    /// <summary>
    /// As <see cref="Backward(GpuContext, DeviceTensor, DeviceTensor, DeviceTensor, SlaDeviceProjection, SlaOptions, SlaDeviceSavedState, DeviceTensor, DeviceTensor, DeviceTensor, DeviceTensor)"/>,
    /// into the caller's <paramref name="projectionGradients"/> with a caller's workspace: no
    /// allocation, no wait.
    /// </summary>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="q">The forward's queries, [B, H, N, D], unchanged since.</param>
    /// <param name="k">The forward's keys.</param>
    /// <param name="v">The forward's values.</param>
    /// <param name="projection">The forward's Proj.</param>
    /// <param name="options">The forward's φ, linear branch and softmax scale.</param>
    /// <param name="state">What the forward over these operands left.</param>
    /// <param name="outputGradient">dO, [B, H, N, D]; must not overlap q, k or v.</param>
    /// <param name="queryGradient">Written: dQ, [B, H, N, D].</param>
    /// <param name="keyGradient">Written: dK, [B, H, N, D].</param>
    /// <param name="valueGradient">Written: dV, [B, H, N, D]. No gradient may overlap an input or another gradient.</param>
    /// <param name="projectionGradients">Written: dW and db, from <see cref="SlaDeviceProjectionGradients.Allocate"/> for D.</param>
    /// <param name="workspace">At least <see cref="BackwardWorkspaceSize"/> bytes on the context's device.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An operand rule is broken, the state or the projection's gradients do not fit, an operand lives in the state's buffers, or the workspace is too small.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context, a buffer, the projection, the state or the gradients are disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void Backward(
        GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, SlaDeviceProjection projection, SlaOptions options, SlaDeviceSavedState state,
        DeviceTensor outputGradient, DeviceTensor queryGradient, DeviceTensor keyGradient, DeviceTensor valueGradient, SlaDeviceProjectionGradients projectionGradients,
        DeviceBuffer workspace)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(workspace);
        workspace.RequireUsableOn(context, nameof(workspace));
        // The native call checks the workspace size by the size query's rules: one validation per step.
        BackwardCall(
            context, q, k, v, projection, options, state, outputGradient, queryGradient, keyGradient, valueGradient, projectionGradients, (in MiSlaBackwardArgs args) =>
            {
                using var workspaceMemory = new SafeHandleLease(workspace.Memory);
                return MiNative.mi_sla_backward(in args, workspaceMemory.Value, workspace.LengthInBytes, context.Stream.Handle);
            });
    }

    /// <summary>
    /// The workspace bytes a backward over <paramref name="state"/> needs (checked as for the call):
    /// about one Q in the operands' dtype (dO·Wᵀ / φ(q)·Z per row) and 8 bytes a token, the mask's
    /// column indices, and per (batch, head) a few D × D key-state sums.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Backward(GpuContext, DeviceTensor, DeviceTensor, DeviceTensor, SlaDeviceProjection, SlaOptions, SlaDeviceSavedState, DeviceTensor, DeviceTensor, DeviceTensor, DeviceTensor, SlaDeviceProjectionGradients, DeviceBuffer)"/>.</exception>
    public static long BackwardWorkspaceSize(
        GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, SlaDeviceProjection projection, SlaOptions options, SlaDeviceSavedState state,
        DeviceTensor outputGradient, DeviceTensor queryGradient, DeviceTensor keyGradient, DeviceTensor valueGradient, SlaDeviceProjectionGradients projectionGradients)
    {
        long bytes = 0;
        BackwardCall(
            context, q, k, v, projection, options, state, outputGradient, queryGradient, keyGradient, valueGradient, projectionGradients,
            (in MiSlaBackwardArgs args) => MiNative.mi_sla_backward_workspace_size(in args, out bytes));
        return bytes;
    }

    /// <summary>Every check of a backward but the projection's gradients: live operands on the context's device, valid options, operand rules, the projection and the state.</summary>
    private static (SlaShape Shape, float SoftmaxScale) ValidateBackwardCall(
        GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, SlaDeviceProjection projection, SlaOptions options, SlaDeviceSavedState state,
        DeviceTensor outputGradient, DeviceTensor queryGradient, DeviceTensor keyGradient, DeviceTensor valueGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        (DeviceTensor Tensor, string Name)[] tensors =
        [
            (q, nameof(q)), (k, nameof(k)), (v, nameof(v)), (outputGradient, nameof(outputGradient)),
            (queryGradient, nameof(queryGradient)), (keyGradient, nameof(keyGradient)), (valueGradient, nameof(valueGradient)),
        ];
        foreach ((DeviceTensor tensor, string name) in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor, name);
        }

        ArgumentNullException.ThrowIfNull(projection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(state);
        context.ThrowIfDisposed();
        foreach ((DeviceTensor tensor, string name) in tensors)
        {
            tensor.Buffer.RequireUsableOn(context, name);
        }

        ObjectDisposedException.ThrowIf(projection.IsDisposed, projection);
        projection.Weight.RequireUsableOn(context, nameof(projection));
        ObjectDisposedException.ThrowIf(state.IsDisposed, state);
        (SlaShape shape, float scale) = SlaOperandValidation.ValidateBackward(
            DeviceOperand.Of(q, nameof(q)),
            DeviceOperand.Of(k, nameof(k)),
            DeviceOperand.Of(v, nameof(v)),
            DeviceOperand.Of(outputGradient, nameof(outputGradient)),
            new SlaGradientOperands(DeviceOperand.Of(queryGradient, nameof(queryGradient)), DeviceOperand.Of(keyGradient, nameof(keyGradient)), DeviceOperand.Of(valueGradient, nameof(valueGradient))),
            options,
            state.BufferOperands());
        SlaOperandValidation.RequireProjection(projection.HeadDim, shape, nameof(projection));
        state.RequireFits(context, shape, q.DType, nameof(state));
        state.Mask.RequireCausality(options, nameof(state));
        return (shape, scale);
    }

    /// <summary>Validates a backward into <paramref name="projectionGradients"/>, describes it and makes <paramref name="call"/> while the buffers are leased.</summary>
    private static void BackwardCall(
        GpuContext context, DeviceTensor q, DeviceTensor k, DeviceTensor v, SlaDeviceProjection projection, SlaOptions options, SlaDeviceSavedState state,
        DeviceTensor outputGradient, DeviceTensor queryGradient, DeviceTensor keyGradient, DeviceTensor valueGradient, SlaDeviceProjectionGradients projectionGradients,
        NativeBackwardCall call)
    {
        (SlaShape shape, float scale) = ValidateBackwardCall(context, q, k, v, projection, options, state, outputGradient, queryGradient, keyGradient, valueGradient);
        ArgumentNullException.ThrowIfNull(projectionGradients);
        projectionGradients.RequireFits(context, shape, nameof(projectionGradients));
        SlaDeviceMask mask = state.Mask;
        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var kMemory = new SafeHandleLease(k.Buffer.Memory);
        using var vMemory = new SafeHandleLease(v.Buffer.Memory);
        using var sparseMemory = new SafeHandleLease(state.SparseOutput.Buffer.Memory);
        using var linearMemory = new SafeHandleLease(state.LinearOutput.Buffer.Memory);
        using var logSumExpMemory = new SafeHandleLease(state.LogSumExp.Memory);
        using var inverseDenominatorsMemory = new SafeHandleLease(state.InverseDenominators.Memory);
        using var outputGradientMemory = new SafeHandleLease(outputGradient.Buffer.Memory);
        using var queryGradientMemory = new SafeHandleLease(queryGradient.Buffer.Memory);
        using var keyGradientMemory = new SafeHandleLease(keyGradient.Buffer.Memory);
        using var valueGradientMemory = new SafeHandleLease(valueGradient.Buffer.Memory);
        using var weightGradientMemory = new SafeHandleLease(projectionGradients.Weight.Memory);
        using var biasGradientMemory = new SafeHandleLease(projectionGradients.Bias.Memory);
        using var weightMemory = new SafeHandleLease(projection.Weight.Memory);
        using var criticalRows = new SafeHandleLease(mask.Critical.RowPointers.Memory);
        using var criticalValues = new SafeHandleLease(mask.Critical.Values.Memory);
        using var negligibleRows = new SafeHandleLease(mask.Negligible.RowPointers.Memory);
        using var negligibleValues = new SafeHandleLease(mask.Negligible.Values.Memory);
        var args = new MiSlaBackwardArgs
        {
            DType = (MiDType)q.DType,
            Batch = shape.Batch,
            Heads = shape.Heads,
            SeqLen = shape.SequenceLength,
            HeadDim = shape.HeadDim,
            Q = MiTensorDescriptor.Of(q, qMemory.Value),
            K = MiTensorDescriptor.Of(k, kMemory.Value),
            V = MiTensorDescriptor.Of(v, vMemory.Value),
            OSparse = MiTensorDescriptor.Of(state.SparseOutput, sparseMemory.Value),
            OLinear = MiTensorDescriptor.Of(state.LinearOutput, linearMemory.Value),
            Lse = logSumExpMemory.Value,
            LinearInvDen = inverseDenominatorsMemory.Value,
            DO = MiTensorDescriptor.Of(outputGradient, outputGradientMemory.Value),
            DQ = MiTensorDescriptor.Of(queryGradient, queryGradientMemory.Value),
            DK = MiTensorDescriptor.Of(keyGradient, keyGradientMemory.Value),
            DV = MiTensorDescriptor.Of(valueGradient, valueGradientMemory.Value),
            DWeight = weightGradientMemory.Value,
            DBias = biasGradientMemory.Value,
            ProjWeight = weightMemory.Value,
            SoftmaxScale = scale,
            FeatureMap = (MiSlaFeatureMap)options.FeatureMap,
            LinearBranch = (MiSlaLinearBranch)options.LinearBranch,
            Critical = new MiCsrIndex { RowPtr = criticalRows.Value, Values = criticalValues.Value, ValueCount = mask.Critical.ValueCount },
            Negligible = new MiCsrIndex { RowPtr = negligibleRows.Value, Values = negligibleValues.Value, ValueCount = mask.Negligible.ValueCount },
            Causal = options.Causal ? 1 : 0,
        };
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(call(in args));
    }
}

using MInference.Interop;
using MInference.Sparse;
using MInference.Sparse.Gpu;
using MInference.Sparse.Indexes;

namespace MInference.Multimodal;

/// <summary>
/// Boundary block selection on the device (<c>mi_boundary_order</c>, then <c>mi_boundary_select</c>),
/// the twin of <see cref="BoundaryBlockSelection.SelectInModalityOrder"/>: tokens in modality order
/// (text, then video — for Q- and 2D-boundary patterns in grid order when the head's video rows
/// show a grid, estimated as for grid heads from the last video queries), Q and K pooled over
/// 64-slot blocks of it, every block pair scored on the tensor cores (TF32 operands, as for grid
/// selection), and per query block and key range the budgets of the head's
/// <see cref="BoundaryPattern"/>.
/// </summary>
public static class BoundaryGpu
{
    /// <summary>Selects for the listed heads; the index owns its orders (one per batch element and head).</summary>
    /// <param name="context">The device and stream.</param>
    /// <param name="q">Queries, [B, Hq, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="heads">The boundary heads (distinct; empty: all heads).</param>
    /// <param name="modalities">The prompt's modality map (N tokens).</param>
    /// <param name="pattern">Kind and budgets.</param>
    /// <exception cref="ArgumentException">An operand rule is broken, the map does not cover N, or it has more than 256 video segments.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    /// <exception cref="CudaException">A launch failed.</exception>
    public static DevicePermutedBlockIndex Select(GpuContext context, DeviceTensor q, DeviceTensor k, ReadOnlySpan<int> heads, ModalityMap modalities, BoundaryPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(modalities);
        ArgumentNullException.ThrowIfNull(pattern);
        context.ThrowIfDisposed();
        ObjectDisposedException.ThrowIf(q.Buffer.IsDisposed, q.Buffer);
        ObjectDisposedException.ThrowIf(k.Buffer.IsDisposed, k.Buffer);
        QueryKeyOperands operands = QueryKeyOperands.Validate(DeviceOperand.Of(q, nameof(q)), DeviceOperand.Of(k, nameof(k)), heads, softmaxScale: null, "boundary block selection");
        AttentionShape shape = operands.Shape;
        if (modalities.SequenceLength != shape.QLen)
        {
            throw new ArgumentException($"the modality map covers {modalities.SequenceLength} tokens; q holds N = {shape.QLen}", nameof(modalities));
        }

        int[] headList = operands.Heads;
        int n = (int)shape.QLen, batch = (int)shape.Batch;
        var ordering = BoundaryOrdering.Of(modalities);
        long rows = shape.Batch * headList.Length * SparseBlocks.Count(n);
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_boundary_select_index_size(
            shape.Batch, headList.Length, shape.QLen, ordering.TextTokens, (int)pattern.Boundary, pattern.FirstBlocks, pattern.SecondBlocks, out long entries));
        var orderBuffer = new DeviceBuffer(context, (long)batch * headList.Length * n * sizeof(int));
        DeviceBuffer? rowPointers = null, values = null;
        try
        {
            Order(context, q, k, shape, headList, pattern.Boundary, ordering, orderBuffer);
            rowPointers = new DeviceBuffer(context, (rows + 1) * sizeof(long));
            values = new DeviceBuffer(context, Math.Max(entries, 1) * sizeof(int));
            Launch(context, q, k, shape, headList, orderBuffer, ordering.TextTokens, pattern, rowPointers, values);
            DeviceCsrIndex blocks = DeviceCsrIndex.Wrap(context, rowPointers, values, rows, entries);
            return new DevicePermutedBlockIndex(blocks, orderBuffer, ownsOrder: true, headList, batch, n);
        }
        catch
        {
            values?.Dispose();
            rowPointers?.Dispose();
            orderBuffer.Dispose();
            throw;
        }
    }

    private static void Order(GpuContext context, DeviceTensor q, DeviceTensor k, AttentionShape shape, int[] heads, BoundaryKind kind, BoundaryOrdering ordering, DeviceBuffer order)
    {
        long lists = shape.Batch * heads.Length;
        using var strides = new DeviceBuffer(context, lists * sizeof(int));
        using var phases = new DeviceBuffer(context, lists * sizeof(int));
        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var kMemory = new SafeHandleLease(k.Buffer.Memory);
        using var strideMemory = new SafeHandleLease(strides.Memory);
        using var phaseMemory = new SafeHandleLease(phases.Memory);
        using var orderMemory = new SafeHandleLease(order.Memory);
        MiBoundaryOrderArgs args = BoundaryOrdering.Args(kind, (MiDType)q.DType, shape.Batch, shape.QHeads, shape.KvHeads, shape.QLen, shape.HeadDim);
        args.Q = MiTensorDescriptor.Of(q, qMemory.Value);
        args.K = MiTensorDescriptor.Of(k, kMemory.Value);
        args.Strides = strideMemory.Value;
        args.Phases = phaseMemory.Value;
        args.Order = orderMemory.Value;
        MiStatus.ThrowIfFailed(MiNative.BoundaryOrderWorkspaceSize(args, heads, ordering.Segments, ordering.Candidates, out long workspaceBytes));
        TemporaryWorkspace.Run(context, workspaceBytes, (workspace, bytes) => MiNative.BoundaryOrder(args, heads, ordering.Segments, ordering.Candidates, workspace, bytes, context.Stream.Handle));
    }

    private static void Launch(
        GpuContext context, DeviceTensor q, DeviceTensor k, AttentionShape shape, int[] heads, DeviceBuffer order, long textTokens, BoundaryPattern pattern,
        DeviceBuffer rowPointers, DeviceBuffer values)
    {
        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var kMemory = new SafeHandleLease(k.Buffer.Memory);
        using var orderMemory = new SafeHandleLease(order.Memory);
        using var rowMemory = new SafeHandleLease(rowPointers.Memory);
        using var valueMemory = new SafeHandleLease(values.Memory);
        var args = new MiBoundarySelectArgs
        {
            DType = (MiDType)q.DType,
            Batch = shape.Batch,
            QHeads = shape.QHeads,
            KvHeads = shape.KvHeads,
            SeqLen = shape.QLen,
            HeadDim = shape.HeadDim,
            Q = MiTensorDescriptor.Of(q, qMemory.Value),
            K = MiTensorDescriptor.Of(k, kMemory.Value),
            Order = orderMemory.Value,
            TextTokens = textTokens,
            Kind = (int)pattern.Boundary,
            First = pattern.FirstBlocks,
            Second = pattern.SecondBlocks,
            RowPtr = rowMemory.Value,
            Blocks = valueMemory.Value,
        };
        MiStatus.ThrowIfFailed(MiNative.BoundarySelectWorkspaceSize(args, heads, out long workspaceBytes));
        TemporaryWorkspace.Run(context, workspaceBytes, (workspace, bytes) => MiNative.BoundarySelect(args, heads, workspace, bytes, context.Stream.Handle));
    }
}

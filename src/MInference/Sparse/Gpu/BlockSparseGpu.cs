using MInference.Interop;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.Gpu;

/// <summary>
/// MInference's block-sparse index, estimated on the GPU: Q and K mean-pooled over 64-token
/// blocks, pooled scores causal at block level, and per query block the best
/// <see cref="BlockSparsePattern.TopKBlocks"/> key blocks with block 0 and the diagonal always
/// kept (equal scores: the smaller block). The same definition as
/// <see cref="BlockSparseEstimation.Estimate"/> on the CPU.
/// </summary>
public static class BlockSparseGpu
{
    /// <summary>
    /// Estimates the index of the query heads in <paramref name="heads"/> (empty: all heads),
    /// ready for <see cref="Attention.BlockSparse"/>: rows per (batch, listed head, query block).
    /// Every row's length, min(top-k, block + 1), is known in advance, so this enqueues the work on
    /// <paramref name="context"/>'s stream without waiting for it; the temporary workspace is freed
    /// on return, which the CUDA runtime orders after the work (it synchronizes the device).
    /// </summary>
    /// <exception cref="ArgumentException">An operand rule is broken, q_len differs from kv_len, or a head is out of range or repeated.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static DeviceCsrIndex Estimate(GpuContext context, DeviceTensor q, DeviceTensor k, ReadOnlySpan<int> heads, BlockSparsePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(pattern);
        context.ThrowIfDisposed();
        ObjectDisposedException.ThrowIf(q.Buffer.IsDisposed, q.Buffer);
        ObjectDisposedException.ThrowIf(k.Buffer.IsDisposed, k.Buffer);
        QueryKeyOperands operands = QueryKeyOperands.Validate(DeviceOperand.Of(q, nameof(q)), DeviceOperand.Of(k, nameof(k)), heads, softmaxScale: null, "block-sparse estimation");
        AttentionShape shape = operands.Shape;
        long queryBlocks = SparseBlocks.Count((int)shape.QLen);
        long topK = Math.Min(pattern.TopKBlocks, queryBlocks);
        long rows = shape.Batch * operands.Heads.Length * queryBlocks;

        context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_block_sparse_index_size(shape.Batch, operands.Heads.Length, shape.QLen, topK, out long entries));
        var rowPointers = new DeviceBuffer(context, (rows + 1) * sizeof(long));
        DeviceBuffer? values = null;
        try
        {
            values = new DeviceBuffer(context, Math.Max(entries, 1) * sizeof(int));
            Launch(context, q, k, shape, operands.Heads, topK, rowPointers, values);
            return DeviceCsrIndex.Wrap(context, rowPointers, values, rows, entries);
        }
        catch
        {
            values?.Dispose();
            rowPointers.Dispose();
            throw;
        }
    }

    private static void Launch(
        GpuContext context, DeviceTensor q, DeviceTensor k, AttentionShape shape, int[] heads, long topK, DeviceBuffer rowPointers, DeviceBuffer values)
    {
        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var kMemory = new SafeHandleLease(k.Buffer.Memory);
        using var rowMemory = new SafeHandleLease(rowPointers.Memory);
        using var valueMemory = new SafeHandleLease(values.Memory);
        var args = new MiBlockSparseEstimateArgs
        {
            DType = (MiDType)q.DType,
            Batch = shape.Batch,
            QHeads = shape.QHeads,
            KvHeads = shape.KvHeads,
            SeqLen = shape.QLen,
            HeadDim = shape.HeadDim,
            Q = MiTensorDescriptor.Of(q, qMemory.Value),
            K = MiTensorDescriptor.Of(k, kMemory.Value),
            TopK = topK,
            RowPtr = rowMemory.Value,
            Blocks = valueMemory.Value,
        };
        MiStatus.ThrowIfFailed(MiNative.BlockSparseEstimateWorkspaceSize(args, heads, out long workspaceBytes));
        TemporaryWorkspace.Run(context, workspaceBytes, (workspace, bytes) => MiNative.BlockSparseEstimate(args, heads, workspace, bytes, context.Stream.Handle));
    }
}

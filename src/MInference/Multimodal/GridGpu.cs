using MInference.Interop;
using MInference.Sparse.Estimation;
using MInference.Sparse;
using MInference.Sparse.Indexes;
using MInference.Sparse.Gpu;

namespace MInference.Multimodal;

/// <summary>
/// Online grid estimation on the device (<c>mi_grid_estimate</c>), the twin of
/// <see cref="GridEstimation"/>: from the last-query profiles <see cref="VerticalSlashGpu.Estimate(GpuContext, DeviceTensor, DeviceTensor, ReadOnlySpan{int}, float?, DeviceBuffer?)"/>
/// leaves, each head's stride, phase and token order, enqueued on the context's stream without a
/// host round trip. The GPU's profiles are fp32 where the CPU's are double: the same heads get the
/// same strides except where two candidates score within rounding of each other. Then
/// <see cref="Select"/> chooses each permuted query block's key blocks, the twin of
/// <see cref="GridBlockSelection"/>.
/// </summary>
public static class GridGpu
{
    /// <summary>Estimates every row of <paramref name="scores"/>.</summary>
    /// <param name="context">The device and stream.</param>
    /// <param name="scores">Vertical and slash profiles of the heads (min(64, N) last queries).</param>
    /// <param name="modalities">The prompt (N tokens): its video strides join the small strides as candidates.</param>
    /// <param name="options">Search settings (<see cref="GridEstimationOptions.LastQueries"/> must be the profiles' 64); null for the defaults.</param>
    /// <exception cref="ArgumentException">The map's length is not the scores' N, or the options ask for another last-query count.</exception>
    /// <exception cref="CudaException">A launch failed.</exception>
    public static DeviceGridEstimate Estimate(GpuContext context, DeviceVerticalSlashScores scores, ModalityMap modalities, GridEstimationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(modalities);
        options ??= new GridEstimationOptions();
        options.Validate();
        ObjectDisposedException.ThrowIf(scores.IsDisposed, scores);
        if (modalities.SequenceLength != scores.SequenceLength)
        {
            throw new ArgumentException($"the modality map covers {modalities.SequenceLength} tokens; the scores are for N = {scores.SequenceLength}", nameof(modalities));
        }

        if (options.QueryModality is not null)
        {
            throw new ArgumentException($"options.QueryModality = {options.QueryModality}: the device profiles are the prompt's last queries; estimate one modality's rows on the CPU (GridEstimation)", nameof(options));
        }

        if (options.LastQueries != VerticalSlashEstimation.LastQueryRows)
        {
            throw new ArgumentException($"options.LastQueries = {options.LastQueries}; the device profiles use {VerticalSlashEstimation.LastQueryRows}", nameof(options));
        }

        int[] candidates = DeviceCandidates(modalities, options.MaxSearchStride);

        long rows = scores.RowCount, n = scores.SequenceLength;
        var strides = new DeviceBuffer(context, rows * sizeof(int));
        DeviceBuffer? phases = null, order = null;
        try
        {
            phases = new DeviceBuffer(context, rows * sizeof(int));
            order = new DeviceBuffer(context, rows * n * sizeof(int));
            using var vertical = new SafeHandleLease(scores.VerticalScores.Memory);
            using var slash = new SafeHandleLease(scores.SlashScores.Memory);
            using var strideMemory = new SafeHandleLease(strides.Memory);
            using var phaseMemory = new SafeHandleLease(phases.Memory);
            using var orderMemory = new SafeHandleLease(order.Memory);
            var args = new MiGridEstimateArgs
            {
                Batch = scores.BatchSize,
                HeadCount = scores.Heads.Length,
                SeqLen = n,
                LastQueries = (int)Math.Min(options.LastQueries, n),
                VerticalScores = vertical.Value,
                SlashScores = slash.Value,
                Tolerance = (float)options.Tolerance,
                Strides = strideMemory.Value,
                Phases = phaseMemory.Value,
                Order = orderMemory.Value,
            };
            context.MakeCurrent();
            MiStatus.ThrowIfFailed(MiNative.GridEstimate(args, candidates, context.Stream.Handle));
            return new DeviceGridEstimate(scores.BatchSize, scores.Heads.ToArray(), scores.SequenceLength, strides, phases, order);
        }
        catch
        {
            order?.Dispose();
            phases?.Dispose();
            strides.Dispose();
            throw;
        }
    }

    /// <summary>The candidate strides of the device search: the map's frame and row sizes and 2 … <paramref name="maxSearchStride"/>.</summary>
    /// <exception cref="ArgumentException">They are more than <c>MI_GRID_MAX_CANDIDATES</c>.</exception>
    internal static int[] DeviceCandidates(ModalityMap modalities, int maxSearchStride)
    {
        int[] candidates = GridEstimation.CandidateStrides(modalities, maxSearchStride);
        if (candidates.Length > MiNative.GridMaxCandidates)
        {
            throw new ArgumentException(
                $"the modality map gives {candidates.Length} candidate grid strides (frame and row sizes of its videos, and 2 to {maxSearchStride}); the device search takes at most {MiNative.GridMaxCandidates}",
                nameof(modalities));
        }

        return candidates;
    }

    /// <summary>
    /// Grid block selection on the device (<c>mi_grid_select</c>): Q and K pooled over 64-slot blocks
    /// of each head's order, every block pair scored, and per query block
    /// min(<see cref="GridPattern.KeptBlocks"/>, blocks) key blocks in tiers (diagonal, vertical-line
    /// class, others; by score within a tier), as <see cref="GridBlockSelection"/> selects on the CPU.
    /// Rows have a fixed length, so this enqueues the work without waiting for the estimate; the
    /// temporary workspace is freed on return (the CUDA runtime orders that after the work).
    /// </summary>
    /// <param name="context">The device and stream.</param>
    /// <param name="q">Queries, [B, Hq, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="estimate">The heads' strides, phases and orders (<see cref="Estimate"/> for these q and k).</param>
    /// <param name="pattern">Blocks kept per query block.</param>
    /// <returns>The index for <see cref="Attention.Permuted"/>; it reads <paramref name="estimate"/>'s orders, so keep the estimate alive while it is used.</returns>
    /// <exception cref="ArgumentException">An operand rule is broken, or the estimate is for another batch size, N or head list.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The pattern keeps fewer than one block.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context, a buffer or the estimate is disposed.</exception>
    /// <exception cref="CudaException">A launch failed.</exception>
    public static DevicePermutedBlockIndex Select(GpuContext context, DeviceTensor q, DeviceTensor k, DeviceGridEstimate estimate, GridPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(pattern);
        context.ThrowIfDisposed();
        ObjectDisposedException.ThrowIf(estimate.IsDisposed, estimate);
        ObjectDisposedException.ThrowIf(q.Buffer.IsDisposed, q.Buffer);
        ObjectDisposedException.ThrowIf(k.Buffer.IsDisposed, k.Buffer);
        int[] heads = [.. estimate.Heads];
        QueryKeyOperands operands = QueryKeyOperands.Validate(DeviceOperand.Of(q, nameof(q)), DeviceOperand.Of(k, nameof(k)), heads, softmaxScale: null, "grid block selection");
        AttentionShape shape = operands.Shape;
        if (shape.Batch != estimate.BatchSize || shape.QLen != estimate.SequenceLength)
        {
            throw new ArgumentException(
                $"the estimate was made for batch {estimate.BatchSize} and N = {estimate.SequenceLength}; q is [{shape.Batch}, _, {shape.QLen}, _]", nameof(estimate));
        }

        long queryBlocks = SparseBlocks.Count((int)shape.QLen);
        long rows = shape.Batch * heads.Length * queryBlocks;
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_grid_select_index_size(shape.Batch, heads.Length, shape.QLen, pattern.KeptBlocks, out long entries));
        var rowPointers = new DeviceBuffer(context, (rows + 1) * sizeof(long));
        DeviceBuffer? values = null;
        try
        {
            values = new DeviceBuffer(context, Math.Max(entries, 1) * sizeof(int));
            LaunchSelect(context, q, k, shape, heads, estimate, pattern.KeptBlocks, rowPointers, values);
            DeviceCsrIndex blocks = DeviceCsrIndex.Wrap(context, rowPointers, values, rows, entries);
            return new DevicePermutedBlockIndex(blocks, estimate.Order, ownsOrder: false, heads, estimate.BatchSize, estimate.SequenceLength);
        }
        catch
        {
            values?.Dispose();
            rowPointers.Dispose();
            throw;
        }
    }

    private static void LaunchSelect(
        GpuContext context, DeviceTensor q, DeviceTensor k, AttentionShape shape, int[] heads, DeviceGridEstimate estimate, long keep, DeviceBuffer rowPointers, DeviceBuffer values)
    {
        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var kMemory = new SafeHandleLease(k.Buffer.Memory);
        using var strideMemory = new SafeHandleLease(estimate.Strides.Memory);
        using var phaseMemory = new SafeHandleLease(estimate.Phases.Memory);
        using var orderMemory = new SafeHandleLease(estimate.Order.Memory);
        using var rowMemory = new SafeHandleLease(rowPointers.Memory);
        using var valueMemory = new SafeHandleLease(values.Memory);
        var args = new MiGridSelectArgs
        {
            DType = (MiDType)q.DType,
            Batch = shape.Batch,
            QHeads = shape.QHeads,
            KvHeads = shape.KvHeads,
            SeqLen = shape.QLen,
            HeadDim = shape.HeadDim,
            Q = MiTensorDescriptor.Of(q, qMemory.Value),
            K = MiTensorDescriptor.Of(k, kMemory.Value),
            Strides = strideMemory.Value,
            Phases = phaseMemory.Value,
            Order = orderMemory.Value,
            Keep = keep,
            RowPtr = rowMemory.Value,
            Blocks = valueMemory.Value,
        };
        MiStatus.ThrowIfFailed(MiNative.GridSelectWorkspaceSize(args, heads, out long workspaceBytes));
        TemporaryWorkspace.Run(context, workspaceBytes, (workspace, bytes) => MiNative.GridSelect(args, heads, workspace, bytes, context.Stream.Handle));
    }
}

using MInference.Interop;

namespace MInference;

public static partial class Attention
{
    /// <summary>Rows of MInference's block index: query blocks of this many tokens.</summary>
    public const int SparseBlockSize = 64;

    /// <summary>
    /// Block-sparse attention: each 64-row query block attends to the 64-key blocks listed in its
    /// row of <paramref name="blocks"/> (key-block indices, ascending), causally unless
    /// <paramref name="causal"/> is false, for the query heads in <paramref name="heads"/>;
    /// enqueued on <paramref name="context"/>'s stream.
    /// Rows of other heads are not touched.
    /// </summary>
    /// <remarks>
    /// Operands follow <see cref="Dense"/>'s rules with q_len == kv_len (prefill). The index has one
    /// row per (batch, listed head, query block), in that order; it is read on the device, bounded by
    /// its length, so a wrong index gives wrong numbers but never a bad memory access.
    /// </remarks>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="q">Queries, [B, Hq, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="v">Values, [B, Hkv, N, D].</param>
    /// <param name="output">Written for the listed heads: [B, Hq, N, D].</param>
    /// <param name="blocks">Key-block lists, B × heads × ceil(N / 64) rows.</param>
    /// <param name="heads">Distinct query heads to compute (at most 1024); empty for all heads.</param>
    /// <param name="logSumExp">Optional, written for the listed heads: fp32 [B, Hq, N] contiguous.</param>
    /// <param name="causal">False: every key of a listed block is visible (bidirectional, as SLA's critical blocks).</param>
    /// <exception cref="ArgumentException">An operand rule is broken, q_len differs from kv_len, a head is out of range or repeated, or the index has the wrong number of rows.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context, a buffer or the index is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void BlockSparse(
        GpuContext context,
        DeviceTensor q,
        DeviceTensor k,
        DeviceTensor v,
        DeviceTensor output,
        DeviceCsrIndex blocks,
        ReadOnlySpan<int> heads = default,
        DeviceBuffer? logSumExp = null,
        bool causal = true)
    {
        int[] headList = ValidateIndexedCall(context, q, k, heads, (blocks, nameof(blocks)));
        Run(context, q, k, v, output, new DenseAttentionOptions { Causal = causal }, logSumExp, (in MiDenseAttentionArgs args, StreamHandle stream) =>
        {
            using var blockRows = new SafeHandleLease(blocks.RowPointers.Memory);
            using var blockValues = new SafeHandleLease(blocks.Values.Memory);
            var call = new MiBlockSparseAttentionArgs
            {
                Attention = args,
                Blocks = new MiCsrIndex { RowPtr = blockRows.Value, Values = blockValues.Value, ValueCount = blocks.ValueCount },
            };
            return MiNative.BlockSparseForward(call, headList, stream);
        });
    }

    /// <summary>
    /// Vertical-slash attention: each 64-row query block attends, causally, to the 64-key blocks
    /// starting at the columns listed in its row of <paramref name="blocks"/> and to the key columns
    /// listed in its row of <paramref name="columns"/> (each left of the block's first row), for the
    /// query heads in <paramref name="heads"/>; enqueued on <paramref name="context"/>'s stream.
    /// Rows of other heads are not touched.
    /// </summary>
    /// <remarks>
    /// The index is MInference's vertical-slash conversion: block starts need not be multiples of 64
    /// and blocks may reach past the diagonal or the sequence end (those keys are masked); blocks of
    /// one row must not overlap each other or the row's columns. Operands follow
    /// <see cref="Dense"/>'s rules with q_len == kv_len. Both indices have one row per
    /// (batch, listed head, query block).
    /// </remarks>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="q">Queries, [B, Hq, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="v">Values, [B, Hkv, N, D].</param>
    /// <param name="output">Written for the listed heads: [B, Hq, N, D].</param>
    /// <param name="blocks">First key column of each 64-key block, B × heads × ceil(N / 64) rows.</param>
    /// <param name="columns">Gathered key columns, with the same rows.</param>
    /// <param name="heads">Distinct query heads to compute (at most 1024); empty for all heads.</param>
    /// <param name="logSumExp">Optional, written for the listed heads: fp32 [B, Hq, N] contiguous.</param>
    /// <exception cref="ArgumentException">An operand rule is broken, q_len differs from kv_len, a head is out of range or repeated, or an index has the wrong number of rows.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context, a buffer or an index is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void VerticalSlash(
        GpuContext context,
        DeviceTensor q,
        DeviceTensor k,
        DeviceTensor v,
        DeviceTensor output,
        DeviceCsrIndex blocks,
        DeviceCsrIndex columns,
        ReadOnlySpan<int> heads = default,
        DeviceBuffer? logSumExp = null)
    {
        int[] headList = ValidateIndexedCall(context, q, k, heads, (blocks, nameof(blocks)), (columns, nameof(columns)));
        Run(context, q, k, v, output, new DenseAttentionOptions { Causal = true }, logSumExp, (in MiDenseAttentionArgs args, StreamHandle stream) =>
        {
            using var blockRows = new SafeHandleLease(blocks.RowPointers.Memory);
            using var blockValues = new SafeHandleLease(blocks.Values.Memory);
            using var columnRows = new SafeHandleLease(columns.RowPointers.Memory);
            using var columnValues = new SafeHandleLease(columns.Values.Memory);
            var call = new MiVerticalSlashAttentionArgs
            {
                Attention = args,
                Blocks = new MiCsrIndex { RowPtr = blockRows.Value, Values = blockValues.Value, ValueCount = blocks.ValueCount },
                Columns = new MiCsrIndex { RowPtr = columnRows.Value, Values = columnValues.Value, ValueCount = columns.ValueCount },
            };
            return MiNative.VerticalSlashForward(call, headList, stream);
        });
    }

    /// <summary>
    /// Permuted-block attention (MMInference's grid and boundary heads): each head takes its tokens
    /// in its own order, each 64-slot query block attends to the 64-slot key blocks its row of the index lists,
    /// with causality on original positions, and O and the log-sum-exp land at the original rows.
    /// The index's heads are computed; rows of other heads are not touched. Enqueued on
    /// <paramref name="context"/>'s stream.
    /// </summary>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="q">Queries, [B, Hq, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="v">Values, [B, Hkv, N, D].</param>
    /// <param name="output">Written for the index's heads: [B, Hq, N, D].</param>
    /// <param name="index">Built for this batch size and N (<see cref="Multimodal.DevicePermutedBlockIndex.Upload"/>).</param>
    /// <param name="logSumExp">Optional, written for the index's heads: fp32 [B, Hq, N] contiguous.</param>
    /// <exception cref="ArgumentException">An operand rule is broken, q_len differs from kv_len, or the index was built for another batch size, N or head count.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context, a buffer or the index is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void Permuted(
        GpuContext context,
        DeviceTensor q,
        DeviceTensor k,
        DeviceTensor v,
        DeviceTensor output,
        Multimodal.DevicePermutedBlockIndex index,
        DeviceBuffer? logSumExp = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        ObjectDisposedException.ThrowIf(index.IsDisposed, index);
        int[] headList = ValidateIndexedCall(context, q, k, [.. index.Heads], (index.Blocks, nameof(index)));
        if (q.Layout.Lengths[0] != index.BatchSize || q.Layout.Lengths[2] != index.SequenceLength)
        {
            throw new ArgumentException(
                $"the index was built for batch {index.BatchSize} and N = {index.SequenceLength}; q is [{q.Layout.Lengths[0]}, _, {q.Layout.Lengths[2]}, _]", nameof(index));
        }

        Run(context, q, k, v, output, new DenseAttentionOptions { Causal = true }, logSumExp, (in MiDenseAttentionArgs args, StreamHandle stream) =>
        {
            using var blockRows = new SafeHandleLease(index.Blocks.RowPointers.Memory);
            using var blockValues = new SafeHandleLease(index.Blocks.Values.Memory);
            using var order = new SafeHandleLease(index.Order.Memory);
            var call = new MiPermutedAttentionArgs
            {
                Attention = args,
                Blocks = new MiCsrIndex { RowPtr = blockRows.Value, Values = blockValues.Value, ValueCount = index.Blocks.ValueCount },
                Order = order.Value,
            };
            return MiNative.PermutedForward(call, headList, stream);
        });
    }

    /// <summary>The checks only the index-driven patterns add; returns the head list to pass on.</summary>
    private static int[] ValidateIndexedCall(
        GpuContext context, DeviceTensor q, DeviceTensor k, ReadOnlySpan<int> heads, params ReadOnlySpan<(DeviceCsrIndex Index, string Name)> indices)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        long batch = q.Layout.Lengths[0];
        long queryHeads = q.Layout.Lengths[1];
        long queryLength = q.Layout.Lengths[2];
        if (q.Layout.Rank == 4 && k.Layout.Rank == 4 && queryLength != k.Layout.Lengths[2])
        {
            throw new ArgumentException($"the sparse patterns are prefill: q_len {queryLength} must equal kv_len {k.Layout.Lengths[2]}", nameof(q));
        }

        HeadList.Validate(heads, queryHeads, nameof(heads));
        long headCount = heads.IsEmpty ? queryHeads : heads.Length;
        long expectedRows = batch * headCount * ((queryLength + SparseBlockSize - 1) / SparseBlockSize);
        foreach ((DeviceCsrIndex index, string name) in indices)
        {
            ArgumentNullException.ThrowIfNull(index, name);
            ObjectDisposedException.ThrowIf(index.IsDisposed, index);
            if (index.Context.Device.Ordinal != context.Device.Ordinal)
            {
                throw new ArgumentException($"{name} lives on device {index.Context.Device.Ordinal} but the context runs on device {context.Device.Ordinal}", name);
            }

            if (index.RowCount != expectedRows)
            {
                throw new ArgumentException($"{name} has {index.RowCount} rows; expected batch {batch} × {headCount} heads × {expectedRows / Math.Max(1, batch * headCount)} query blocks = {expectedRows}", name);
            }
        }

        return heads.ToArray();
    }
}

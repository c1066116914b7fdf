using MInference.Interop;
using MInference.Sparse.Estimation;

namespace MInference.Sparse.Gpu;

public static partial class VerticalSlashGpu
{
    /// <summary>Bytes of workspace the index conversion of a selection of these sizes needs (0: none).</summary>
    /// <param name="context">The device the conversion will run on.</param>
    /// <param name="rows">(batch, head) pairs, &gt;= 1.</param>
    /// <param name="sequenceLength">N, &gt;= 1.</param>
    /// <param name="verticalCount">Columns per row, in [0, N].</param>
    /// <param name="slashCount">Offsets per row, in [1, N].</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public static long IndexWorkspaceSize(GpuContext context, long rows, int sequenceLength, int verticalCount, int slashCount)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ThrowIfDisposed();
        return QueryIndexWorkspace(context, VerticalSlashGpuValidation.ValidateIndexSizes(rows, sequenceLength, verticalCount, slashCount), buffers: null);
    }

    /// <summary>
    /// Converts a selection into the two CSR indices of <see cref="Attention.VerticalSlash"/>:
    /// exactly <see cref="VerticalSlashIndexBuilder"/> (MInference's <c>convert_vertical_slash_indexes</c>),
    /// on the device.
    /// </summary>
    /// <remarks>
    /// Two launches on <paramref name="context"/>'s stream: the first counts every row's entries into
    /// the row pointers; their last entries, the totals, are then read back (this waits for the
    /// stream, including work enqueued earlier) to allocate value buffers of exactly that size; the
    /// second launch fills them. The method returns after enqueuing the fill: the index is ready for
    /// kernels on the same stream, and <paramref name="selection"/> must stay alive until the stream
    /// has run it.
    /// </remarks>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="selection">Verticals (ascending) and slash offsets (descending, ending with 0) per (batch, head).</param>
    /// <param name="workspace">
    /// At least <see cref="IndexWorkspaceSize"/> bytes; null to allocate one for the call (freed
    /// before returning, which then also waits for the fill).
    /// </param>
    /// <returns>The index, owned by the caller; its heads are the selection's.</returns>
    /// <exception cref="ArgumentException">The selection lives on another device, or the workspace is too small or aliases the selection.</exception>
    /// <exception cref="ObjectDisposedException">The context, the selection or the workspace is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has no room for the index.</exception>
    /// <exception cref="CudaException">A launch failed.</exception>
    public static DeviceVerticalSlashIndex BuildIndex(GpuContext context, DeviceVerticalSlashSelection selection, DeviceBuffer? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(selection);
        context.ThrowIfDisposed();
        ObjectDisposedException.ThrowIf(selection.IsDisposed, selection);
        selection.Verticals.RequireUsableOn(context, nameof(selection));
        VerticalSlashListSizes sizes = VerticalSlashGpuValidation.ValidateIndexSizes(
            selection.RowCount, selection.SequenceLength, selection.VerticalCount, selection.SlashCount);
        IndexBuffers buffers = AllocateRowPointers(context, sizes, selection.Verticals, selection.Slashes);
        DeviceBuffer? temporary = null;
        try
        {
            long workspaceBytes = QueryIndexWorkspace(context, sizes, buffers);
            RequireOptionalWorkspace(
                context, workspaceBytes, workspace, DeviceBufferOperand.Of(selection.Verticals, nameof(selection)), DeviceBufferOperand.Of(selection.Slashes, nameof(selection)));
            temporary = TemporaryWorkspace(context, workspaceBytes, workspace);
        }
        catch
        {
            buffers.DisposeRowPointers();
            throw;
        }

        try
        {
            (DeviceCsrIndex blocks, DeviceCsrIndex columns) = ConvertToIndex(context, sizes, buffers, workspace ?? temporary);
            return new DeviceVerticalSlashIndex(context, selection.SequenceLength, selection.BatchSize, selection.Heads.ToArray(), blocks, columns, stepTimes: null);
        }
        finally
        {
            temporary?.Dispose();
        }
    }

    /// <summary>The buffers of a conversion of <paramref name="sizes"/>: the selection's lists and two new row-pointer arrays.</summary>
    private static IndexBuffers AllocateRowPointers(GpuContext context, VerticalSlashListSizes sizes, DeviceBuffer verticals, DeviceBuffer slashes)
    {
        var blockRows = new DeviceBuffer(context, sizes.RowPointerBytes);
        try
        {
            return new IndexBuffers(verticals, slashes, blockRows, new DeviceBuffer(context, sizes.RowPointerBytes), BlockStarts: null, Columns: null);
        }
        catch
        {
            blockRows.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Counts, reads the totals back, allocates exactly-sized values and fills them. Takes ownership
    /// of the row-pointer buffers: they end up in the returned indices, or disposed on failure.
    /// </summary>
    private static (DeviceCsrIndex Blocks, DeviceCsrIndex Columns) ConvertToIndex(
        GpuContext context, VerticalSlashListSizes sizes, IndexBuffers buffers, DeviceBuffer? workspace)
    {
        DeviceBuffer? blockStarts = null;
        DeviceBuffer? columns = null;
        DeviceCsrIndex? blockIndex = null;
        try
        {
            LaunchIndex(context, sizes, buffers, workspace, totals: null);

            // The entry counts depend on the data: the last row pointers, read once the count has run.
            long blockTotal = ReadTotal(buffers.BlockRows, sizes, sizes.SlashCount, "block starts");
            long columnTotal = ReadTotal(buffers.ColumnRows, sizes, sizes.VerticalCount, "columns");
            // Device buffers are never empty: an index without entries still gets one (unread) value.
            blockStarts = new DeviceBuffer(context, Math.Max(blockTotal, 1) * sizeof(int));
            columns = new DeviceBuffer(context, Math.Max(columnTotal, 1) * sizeof(int));
            LaunchIndex(context, sizes, buffers with { BlockStarts = blockStarts, Columns = columns }, workspace: null, totals: (blockTotal, columnTotal));

            blockIndex = DeviceCsrIndex.Wrap(context, buffers.BlockRows, blockStarts, sizes.IndexRows, blockTotal);
            return (blockIndex, DeviceCsrIndex.Wrap(context, buffers.ColumnRows, columns, sizes.IndexRows, columnTotal));
        }
        catch
        {
            columns?.Dispose();
            buffers.ColumnRows.Dispose();
            if (blockIndex is null)
            {
                blockStarts?.Dispose();
                buffers.BlockRows.Dispose();
            }
            else
            {
                blockIndex.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// The last entry of a row-pointer array written by the count (a blocking copy, so it waits for
    /// the stream), checked against the most a row can hold.
    /// </summary>
    private static long ReadTotal(DeviceBuffer rowPointers, VerticalSlashListSizes sizes, int mostPerRow, string what)
    {
        Span<long> total = stackalloc long[1];
        rowPointers.CopyToHost(total, sizes.IndexRows * sizeof(long));
        long limit = sizes.IndexRows * mostPerRow;
        if (total[0] < 0 || total[0] > limit)
        {
            throw new CudaException($"internal error in libminference: mi_vs_index_count reported {total[0]} {what}; {sizes.IndexRows} rows hold 0 to {limit}");
        }

        return total[0];
    }

    /// <summary>
    /// Asks the library how much workspace the count of <paramref name="sizes"/> needs, passing the
    /// buffers when they exist (the query of <see cref="IndexWorkspaceSize"/> has none: it relies on
    /// the query reading only the sizes).
    /// </summary>
    private static long QueryIndexWorkspace(GpuContext context, VerticalSlashListSizes sizes, IndexBuffers? buffers)
    {
        using var verticalMemory = buffers is null ? default : new SafeHandleLease(buffers.Value.Verticals.Memory);
        using var slashMemory = buffers is null ? default : new SafeHandleLease(buffers.Value.Slashes.Memory);
        using var blockRowMemory = buffers is null ? default : new SafeHandleLease(buffers.Value.BlockRows.Memory);
        using var columnRowMemory = buffers is null ? default : new SafeHandleLease(buffers.Value.ColumnRows.Memory);
        MiVsIndexArgs args = DescribeIndex(sizes, verticalMemory.Value, slashMemory.Value, blockRowMemory.Value, columnRowMemory.Value);
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_vs_index_count_workspace_size(in args, out long bytes));
        return bytes;
    }

    /// <summary>
    /// Enqueues the count (no <paramref name="totals"/>) or the fill (with the totals, which are the
    /// value buffers' capacities) while every buffer is leased.
    /// </summary>
    private static void LaunchIndex(GpuContext context, VerticalSlashListSizes sizes, IndexBuffers buffers, DeviceBuffer? workspace, (long Blocks, long Columns)? totals)
    {
        using var verticalMemory = new SafeHandleLease(buffers.Verticals.Memory);
        using var slashMemory = new SafeHandleLease(buffers.Slashes.Memory);
        using var blockRowMemory = new SafeHandleLease(buffers.BlockRows.Memory);
        using var columnRowMemory = new SafeHandleLease(buffers.ColumnRows.Memory);
        using var blockStartMemory = buffers.BlockStarts is null ? default : new SafeHandleLease(buffers.BlockStarts.Memory);
        using var columnMemory = buffers.Columns is null ? default : new SafeHandleLease(buffers.Columns.Memory);
        using var workspaceMemory = workspace is null ? default : new SafeHandleLease(workspace.Memory);
        MiVsIndexArgs args = DescribeIndex(sizes, verticalMemory.Value, slashMemory.Value, blockRowMemory.Value, columnRowMemory.Value);
        context.MakeCurrent();
        if (totals is not { } capacities)
        {
            MiStatus.ThrowIfFailed(MiNative.mi_vs_index_count(in args, workspaceMemory.Value, workspace?.LengthInBytes ?? 0, context.Stream.Handle));
            return;
        }

        args.BlockStarts = blockStartMemory.Value;
        args.BlockCapacity = capacities.Blocks;
        args.Columns = columnMemory.Value;
        args.ColumnCapacity = capacities.Columns;
        MiStatus.ThrowIfFailed(MiNative.mi_vs_index_fill(in args, context.Stream.Handle));
    }

    private static MiVsIndexArgs DescribeIndex(VerticalSlashListSizes sizes, nint verticals, nint slashes, nint blockRows, nint columnRows) => new()
    {
        Rows = sizes.Rows,
        SeqLen = sizes.SequenceLength,
        VerticalCount = sizes.VerticalCount,
        SlashCount = sizes.SlashCount,
        Verticals = verticals,
        Slashes = slashes,
        BlockRowPtr = blockRows,
        ColumnRowPtr = columnRows,
    };

    /// <summary>The device arrays of one index conversion; the value buffers exist only for the fill.</summary>
    private readonly record struct IndexBuffers(
        DeviceBuffer Verticals, DeviceBuffer Slashes, DeviceBuffer BlockRows, DeviceBuffer ColumnRows, DeviceBuffer? BlockStarts, DeviceBuffer? Columns)
    {
        public void DisposeRowPointers()
        {
            ColumnRows.Dispose();
            BlockRows.Dispose();
        }
    }
}

using MInference.Interop;
using MInference.Sparse.Estimation;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.Gpu;

public static partial class VerticalSlashGpu
{
    /// <summary>Bytes of workspace a selection of these sizes needs (0: none).</summary>
    /// <param name="context">The device the selection will run on.</param>
    /// <param name="rows">(batch, head) pairs, &gt;= 1.</param>
    /// <param name="sequenceLength">N, &gt;= 1.</param>
    /// <param name="verticalCount">Columns kept per row, in [1, N].</param>
    /// <param name="slashCount">Offsets kept per row, in [1, N].</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    public static long SelectWorkspaceSize(GpuContext context, long rows, int sequenceLength, int verticalCount, int slashCount)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ThrowIfDisposed();
        return QuerySelectWorkspace(context, VerticalSlashGpuValidation.ValidateSelectSizes(rows, sequenceLength, verticalCount, slashCount), buffers: null);
    }

    /// <summary>
    /// Chooses, for each row of fp32 scores, the <paramref name="verticalCount"/> best key columns
    /// (columns 0..29 forced) in ascending order and the <paramref name="slashCount"/> best diagonal
    /// offsets (offsets 0..99 forced) in descending order, into caller buffers; equal scores go to
    /// the smaller index. Enqueued on <paramref name="context"/>'s stream; returns without waiting.
    /// </summary>
    /// <remarks>
    /// The ranking of <see cref="VerticalSlashEstimation"/>: with MInference's counts
    /// (<see cref="VerticalSlashEstimation.EffectiveVerticalCount"/>, <see cref="VerticalSlashEstimation.EffectiveSlashCount"/>)
    /// every forced column is kept and each list of offsets ends with 0, as the index conversion needs.
    /// </remarks>
    /// <param name="context">The device and stream to run on; every buffer must live on its device.</param>
    /// <param name="verticalScores">fp32 [rows, N] at the start of the buffer, read.</param>
    /// <param name="slashScores">fp32 [rows, N] at the start of the buffer, indexed by diagonal offset, read.</param>
    /// <param name="rows">(batch, head) pairs, &gt;= 1.</param>
    /// <param name="sequenceLength">N, &gt;= 1.</param>
    /// <param name="verticalCount">Columns kept per row, in [1, N].</param>
    /// <param name="slashCount">Offsets kept per row, in [1, N].</param>
    /// <param name="verticals">Written: int32 [rows, verticalCount] at the start of the buffer.</param>
    /// <param name="slashes">Written: int32 [rows, slashCount] at the start of the buffer.</param>
    /// <param name="workspace">At least <see cref="SelectWorkspaceSize"/> bytes, or null when that is 0.</param>
    /// <exception cref="ArgumentException">A buffer is too small, or an output or the workspace aliases another buffer.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void Select(
        GpuContext context,
        DeviceBuffer verticalScores,
        DeviceBuffer slashScores,
        long rows,
        int sequenceLength,
        int verticalCount,
        int slashCount,
        DeviceBuffer verticals,
        DeviceBuffer slashes,
        DeviceBuffer? workspace)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(verticalScores);
        ArgumentNullException.ThrowIfNull(slashScores);
        ArgumentNullException.ThrowIfNull(verticals);
        ArgumentNullException.ThrowIfNull(slashes);
        context.ThrowIfDisposed();
        verticalScores.RequireUsableOn(context, nameof(verticalScores));
        slashScores.RequireUsableOn(context, nameof(slashScores));
        verticals.RequireUsableOn(context, nameof(verticals));
        slashes.RequireUsableOn(context, nameof(slashes));
        VerticalSlashListSizes sizes = VerticalSlashGpuValidation.ValidateSelectSizes(rows, sequenceLength, verticalCount, slashCount);
        DeviceBufferOperand[] operands =
        [
            DeviceBufferOperand.Of(verticalScores, nameof(verticalScores)),
            DeviceBufferOperand.Of(slashScores, nameof(slashScores)),
            DeviceBufferOperand.Of(verticals, nameof(verticals)),
            DeviceBufferOperand.Of(slashes, nameof(slashes)),
        ];
        VerticalSlashGpuValidation.RequireSelectBuffers(sizes, operands[0], operands[1], operands[2], operands[3]);
        var buffers = new SelectBuffers(verticalScores, slashScores, verticals, slashes);
        long workspaceBytes = QuerySelectWorkspace(context, sizes, buffers);
        RequireWorkspace(context, workspaceBytes, workspace, operands);
        LaunchSelect(context, sizes, buffers, workspace);
    }

    /// <summary>
    /// Chooses the verticals and slashes of every (batch, head) of <paramref name="scores"/> with
    /// MInference's counts for <paramref name="pattern"/>: min(N, max(VerticalSize, 30)) columns
    /// and min(N, max(SlashSize, 50)) offsets. Enqueued on <paramref name="context"/>'s stream.
    /// </summary>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="scores">The estimation's scores; kept alive by the caller until the stream has run the launch.</param>
    /// <param name="pattern">The heads' vertical and slash sizes.</param>
    /// <param name="workspace">At least <see cref="SelectWorkspaceSize"/> bytes; null to allocate one for the call (which then waits for the launch).</param>
    /// <returns>The selection, owned by the caller.</returns>
    /// <exception cref="ArgumentException">The scores live on another device, or the workspace is too small or aliases the scores.</exception>
    /// <exception cref="ObjectDisposedException">The context, the scores or the workspace is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has no room for the lists.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static DeviceVerticalSlashSelection Select(GpuContext context, DeviceVerticalSlashScores scores, VerticalSlashPattern pattern, DeviceBuffer? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(pattern);
        int n = scores.SequenceLength;
        return Select(
            context, scores, VerticalSlashEstimation.EffectiveVerticalCount(pattern.VerticalSize, n), VerticalSlashEstimation.EffectiveSlashCount(pattern.SlashSize, n), workspace);
    }

    /// <summary>
    /// Chooses <paramref name="verticalCount"/> columns (ascending) and <paramref name="slashCount"/>
    /// offsets (descending) for every (batch, head) of <paramref name="scores"/>, as
    /// <see cref="Select(GpuContext, DeviceBuffer, DeviceBuffer, long, int, int, int, DeviceBuffer, DeviceBuffer, DeviceBuffer?)"/>
    /// does, into new device buffers. Enqueued on <paramref name="context"/>'s stream.
    /// </summary>
    /// <param name="context">The device and stream to run on.</param>
    /// <param name="scores">The estimation's scores; kept alive by the caller until the stream has run the launch.</param>
    /// <param name="verticalCount">Columns kept per (batch, head), in [1, N].</param>
    /// <param name="slashCount">Offsets kept per (batch, head), in [1, N].</param>
    /// <param name="workspace">At least <see cref="SelectWorkspaceSize"/> bytes; null to allocate one for the call (which then waits for the launch).</param>
    /// <returns>The selection, owned by the caller.</returns>
    /// <exception cref="ArgumentException">The scores live on another device, or the workspace is too small or aliases the scores.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The context, the scores or the workspace is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has no room for the lists.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static DeviceVerticalSlashSelection Select(GpuContext context, DeviceVerticalSlashScores scores, int verticalCount, int slashCount, DeviceBuffer? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scores);
        context.ThrowIfDisposed();
        ObjectDisposedException.ThrowIf(scores.IsDisposed, scores);
        scores.VerticalScores.RequireUsableOn(context, nameof(scores));
        VerticalSlashListSizes sizes = VerticalSlashGpuValidation.ValidateSelectSizes(scores.RowCount, scores.SequenceLength, verticalCount, slashCount);
        var verticals = new DeviceBuffer(context, sizes.VerticalBytes);
        DeviceBuffer? slashes = null;
        DeviceBuffer? temporary = null;
        try
        {
            slashes = new DeviceBuffer(context, sizes.SlashBytes);
            var buffers = new SelectBuffers(scores.VerticalScores, scores.SlashScores, verticals, slashes);
            long workspaceBytes = QuerySelectWorkspace(context, sizes, buffers);
            RequireOptionalWorkspace(
                context, workspaceBytes, workspace, DeviceBufferOperand.Of(scores.VerticalScores, nameof(scores)), DeviceBufferOperand.Of(scores.SlashScores, nameof(scores)));
            temporary = TemporaryWorkspace(context, workspaceBytes, workspace);
            LaunchSelect(context, sizes, buffers, workspace ?? temporary);
            return new DeviceVerticalSlashSelection(
                context, scores.SequenceLength, scores.BatchSize, scores.Heads.ToArray(), verticalCount, slashCount, verticals, slashes);
        }
        catch
        {
            slashes?.Dispose();
            verticals.Dispose();
            throw;
        }
        finally
        {
            temporary?.Dispose();
        }
    }

    /// <summary>
    /// Asks the library how much workspace a selection of <paramref name="sizes"/> needs, passing
    /// the buffers when they exist (the query of <see cref="SelectWorkspaceSize"/> has none: it
    /// relies on the query reading only the sizes).
    /// </summary>
    private static long QuerySelectWorkspace(GpuContext context, VerticalSlashListSizes sizes, SelectBuffers? buffers)
    {
        using var verticalScoreMemory = buffers is null ? default : new SafeHandleLease(buffers.Value.VerticalScores.Memory);
        using var slashScoreMemory = buffers is null ? default : new SafeHandleLease(buffers.Value.SlashScores.Memory);
        using var verticalMemory = buffers is null ? default : new SafeHandleLease(buffers.Value.Verticals.Memory);
        using var slashMemory = buffers is null ? default : new SafeHandleLease(buffers.Value.Slashes.Memory);
        MiVsSelectArgs args = DescribeSelect(sizes, verticalScoreMemory.Value, slashScoreMemory.Value, verticalMemory.Value, slashMemory.Value);
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_vs_select_workspace_size(in args, out long bytes));
        return bytes;
    }

    /// <summary>Enqueues a validated selection while every buffer is leased.</summary>
    private static void LaunchSelect(GpuContext context, VerticalSlashListSizes sizes, SelectBuffers buffers, DeviceBuffer? workspace)
    {
        using var verticalScoreMemory = new SafeHandleLease(buffers.VerticalScores.Memory);
        using var slashScoreMemory = new SafeHandleLease(buffers.SlashScores.Memory);
        using var verticalMemory = new SafeHandleLease(buffers.Verticals.Memory);
        using var slashMemory = new SafeHandleLease(buffers.Slashes.Memory);
        using var workspaceMemory = workspace is null ? default : new SafeHandleLease(workspace.Memory);
        MiVsSelectArgs args = DescribeSelect(sizes, verticalScoreMemory.Value, slashScoreMemory.Value, verticalMemory.Value, slashMemory.Value);
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.mi_vs_select(in args, workspaceMemory.Value, workspace?.LengthInBytes ?? 0, context.Stream.Handle));
    }

    private static MiVsSelectArgs DescribeSelect(VerticalSlashListSizes sizes, nint verticalScores, nint slashScores, nint verticals, nint slashes) => new()
    {
        Rows = sizes.Rows,
        SeqLen = sizes.SequenceLength,
        VerticalCount = sizes.VerticalCount,
        SlashCount = sizes.SlashCount,
        VerticalScores = verticalScores,
        SlashScores = slashScores,
        Verticals = verticals,
        Slashes = slashes,
    };

    /// <summary>The device arrays of one selection: fp32 scores read, int32 lists written.</summary>
    private readonly record struct SelectBuffers(DeviceBuffer VerticalScores, DeviceBuffer SlashScores, DeviceBuffer Verticals, DeviceBuffer Slashes);
}

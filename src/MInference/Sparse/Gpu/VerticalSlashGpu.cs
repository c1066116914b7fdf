using MInference.Sparse.Estimation;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.Gpu;

/// <summary>
/// Vertical-Slash estimation and index conversion on the GPU: the device counterpart of
/// <see cref="VerticalSlashEstimation"/> and <see cref="VerticalSlashIndexBuilder"/>, producing the
/// indices <see cref="Attention.VerticalSlash"/> takes. Three steps, each callable on its own so an
/// index can be inspected or cached:
/// <list type="number">
/// <item><see cref="Estimate(GpuContext, DeviceTensor, DeviceTensor, ReadOnlySpan{int}, float?, DeviceBuffer?)"/>:
/// the vertical and slash scores of the last min(64, N) queries of each listed head (asynchronous).</item>
/// <item><see cref="Select(GpuContext, DeviceVerticalSlashScores, VerticalSlashPattern, DeviceBuffer?)"/>:
/// the best columns (the first 30 forced) and offsets (0..99 forced) per (batch, head) (asynchronous).</item>
/// <item><see cref="BuildIndex(GpuContext, DeviceVerticalSlashSelection, DeviceBuffer?)"/>: MInference's
/// conversion into CSR indices. Their sizes depend on the data, so this step reads two totals back
/// to the host between its two launches: the one unavoidable synchronization of the pipeline.</item>
/// </list>
/// <see cref="BuildIndex(GpuContext, DeviceTensor, DeviceTensor, ReadOnlySpan{int}, VerticalSlashPattern, float?, GpuTimer?)"/>
/// runs all three, optionally timing each.
/// </summary>
/// <remarks>
/// Rows are (batch, listed head) pairs in that order, as everywhere in the sparse API. Steps that
/// need scratch memory take a workspace sized by the matching *WorkspaceSize query; where a
/// workspace is optional and none is given, the call allocates one and frees it before returning,
/// which waits for the launch to finish (freeing device memory synchronizes the device): pass a
/// workspace to keep the call asynchronous. Everything is checked before anything is launched: on
/// an exception no output has been written.
/// </remarks>
public static partial class VerticalSlashGpu
{
    /// <summary>Checks the context and the operands of an estimation; returns its sizes, heads and scale.</summary>
    private static VerticalSlashEstimateShape ValidateEstimate(GpuContext context, DeviceTensor q, DeviceTensor k, ReadOnlySpan<int> heads, float? softmaxScale)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        context.ThrowIfDisposed();
        q.Buffer.RequireUsableOn(context, nameof(q));
        k.Buffer.RequireUsableOn(context, nameof(k));
        return VerticalSlashGpuValidation.ValidateEstimate(DeviceOperand.Of(q, nameof(q)), DeviceOperand.Of(k, nameof(k)), heads, softmaxScale);
    }

    /// <summary>Checks the workspace of a step needing <paramref name="requiredBytes"/> against the step's operands.</summary>
    private static void RequireWorkspace(GpuContext context, long requiredBytes, DeviceBuffer? workspace, params ReadOnlySpan<DeviceBufferOperand> operands)
    {
        if (requiredBytes > 0 && workspace is not null)
        {
            workspace.RequireUsableOn(context, nameof(workspace));
        }

        VerticalSlashGpuValidation.RequireWorkspace(requiredBytes, workspace is null ? null : DeviceBufferOperand.Of(workspace, nameof(workspace)), operands);
    }

    /// <summary>As <see cref="RequireWorkspace"/>, for the calls that allocate a workspace of their own when given none.</summary>
    private static void RequireOptionalWorkspace(GpuContext context, long requiredBytes, DeviceBuffer? workspace, params ReadOnlySpan<DeviceBufferOperand> operands)
    {
        if (workspace is not null)
        {
            RequireWorkspace(context, requiredBytes, workspace, operands);
        }
    }

    /// <summary>A workspace of <paramref name="requiredBytes"/> for a call given none; null when the step needs none or one was given.</summary>
    private static DeviceBuffer? TemporaryWorkspace(GpuContext context, long requiredBytes, DeviceBuffer? given) =>
        given is null && requiredBytes > 0 ? new DeviceBuffer(context, requiredBytes) : null;
}

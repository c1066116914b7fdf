using MInference.Sparse.Estimation;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.Gpu;

public static partial class VerticalSlashGpu
{
    /// <summary>
    /// Estimates, selects and converts in one call: the vertical-slash index of the listed heads of
    /// q and k under <paramref name="pattern"/>, ready for <see cref="Attention.VerticalSlash"/>
    /// (the GPU counterpart of <see cref="VerticalSlashEstimation.Estimate"/> followed by
    /// <see cref="VerticalSlashIndexBuilder.Build"/>).
    /// </summary>
    /// <remarks>
    /// Every intermediate buffer and one workspace for all steps are allocated up front and freed
    /// before returning, after the stream has finished: the call returns with the index complete. With a
    /// <paramref name="timer"/>, each step is timed on its own (waiting for the stream after each)
    /// and the times are in <see cref="DeviceVerticalSlashIndex.StepTimes"/>.
    /// </remarks>
    /// <param name="context">The device and stream to run on; every buffer must live on its device.</param>
    /// <param name="q">Queries, [B, Hq, N, D], following <see cref="Attention.Dense"/>'s operand rules.</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="heads">Distinct query heads (at most 1024), in row order; empty for all heads.</param>
    /// <param name="pattern">The heads' vertical and slash sizes (MInference's counts are derived from them).</param>
    /// <param name="softmaxScale">Multiplies q · k before the softmax; finite and &gt; 0, or null for 1/sqrt(head_dim).</param>
    /// <param name="timer">Optional, made from <paramref name="context"/>: times each step.</param>
    /// <returns>The index, owned by the caller.</returns>
    /// <exception cref="ArgumentException">An operand rule is broken, q_len differs from kv_len, or a head is out of range or repeated.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="softmaxScale"/> is not finite and positive.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has no room for the intermediates or the index.</exception>
    /// <exception cref="CudaException">A launch failed.</exception>
    public static DeviceVerticalSlashIndex BuildIndex(
        GpuContext context,
        DeviceTensor q,
        DeviceTensor k,
        ReadOnlySpan<int> heads,
        VerticalSlashPattern pattern,
        float? softmaxScale = null,
        GpuTimer? timer = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(pattern);
        VerticalSlashEstimateShape shape = ValidateEstimate(context, q, k, heads, softmaxScale);
        int n = shape.SequenceLength;
        var sizes = new VerticalSlashListSizes(
            shape.Rows, n, VerticalSlashEstimation.EffectiveVerticalCount(pattern.VerticalSize, n), VerticalSlashEstimation.EffectiveSlashCount(pattern.SlashSize, n));

        var temporaries = new List<DeviceBuffer>();
        DeviceBuffer Allocate(long bytes)
        {
            var buffer = new DeviceBuffer(context, bytes);
            temporaries.Add(buffer);
            return buffer;
        }

        IndexBuffers? rowPointers = null;
        DeviceCsrIndex? blocks = null;
        DeviceCsrIndex? columns = null;
        try
        {
            DeviceBuffer verticalScores = Allocate(sizes.ScoreBytes);
            DeviceBuffer slashScores = Allocate(sizes.ScoreBytes);
            DeviceBuffer verticals = Allocate(sizes.VerticalBytes);
            DeviceBuffer slashes = Allocate(sizes.SlashBytes);
            var selection = new SelectBuffers(verticalScores, slashScores, verticals, slashes);
            rowPointers = AllocateRowPointers(context, sizes, verticals, slashes);
            long workspaceBytes = Math.Max(
                QueryEstimateWorkspace(context, q, k, shape), Math.Max(QuerySelectWorkspace(context, sizes, selection), QueryIndexWorkspace(context, sizes, rowPointers)));
            DeviceBuffer? workspace = workspaceBytes > 0 ? Allocate(workspaceBytes) : null;

            timer?.Start();
            LaunchEstimate(context, q, k, shape, verticalScores, slashScores, workspace);
            float estimateMilliseconds = timer?.Stop() ?? 0;
            timer?.Start();
            LaunchSelect(context, sizes, selection, workspace);
            float selectMilliseconds = timer?.Stop() ?? 0;
            timer?.Start();
            IndexBuffers converted = rowPointers.Value;
            rowPointers = null; // ConvertToIndex owns them from here on
            (blocks, columns) = ConvertToIndex(context, sizes, converted, workspace);
            float indexMilliseconds = timer?.Stop() ?? 0;

            // The fill reads the selection: it must have run before the temporaries are freed.
            context.Synchronize();
            VerticalSlashStepTimes? stepTimes = timer is null ? null : new VerticalSlashStepTimes(estimateMilliseconds, selectMilliseconds, indexMilliseconds);
            return new DeviceVerticalSlashIndex(context, n, shape.BatchSize, shape.Heads, blocks, columns, stepTimes);
        }
        catch
        {
            rowPointers?.DisposeRowPointers();
            columns?.Dispose();
            blocks?.Dispose();
            throw;
        }
        finally
        {
            foreach (DeviceBuffer buffer in temporaries)
            {
                buffer.Dispose();
            }
        }
    }
}

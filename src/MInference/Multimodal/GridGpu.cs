using MInference.Interop;
using MInference.Sparse.Estimation;
using MInference.Sparse.Gpu;

namespace MInference.Multimodal;

/// <summary>
/// Online grid estimation on the device (<c>mi_grid_estimate</c>), the twin of
/// <see cref="GridEstimation"/>: from the last-query profiles <see cref="VerticalSlashGpu.Estimate(GpuContext, DeviceTensor, DeviceTensor, ReadOnlySpan{int}, float?, DeviceBuffer?)"/>
/// leaves, each head's stride, phase and token order, enqueued on the context's stream without a
/// host round trip. The GPU's profiles are fp32 where the CPU's are double: the same heads get the
/// same strides except where two candidates score within rounding of each other.
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

        int[] candidates = GridEstimation.CandidateStrides(modalities, options.MaxSearchStride);
        if (candidates.Length > MiNative.GridMaxCandidates)
        {
            throw new ArgumentException($"{candidates.Length} candidate strides; the device search takes at most {MiNative.GridMaxCandidates}", nameof(options));
        }

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
}

using MInference.Interop;
using MInference.Sparse.Estimation;

namespace MInference.Sparse.Gpu;

public static partial class VerticalSlashGpu
{
    /// <summary>Bytes of workspace <see cref="Estimate(GpuContext, DeviceTensor, DeviceTensor, ReadOnlySpan{int}, float?, DeviceBuffer, DeviceBuffer, DeviceBuffer?)"/> needs for these operands (0: none).</summary>
    /// <param name="context">The device the estimation will run on.</param>
    /// <param name="q">Queries, [B, Hq, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="heads">Distinct query heads to estimate (at most 1024); empty for all heads.</param>
    /// <exception cref="ArgumentException">An operand rule is broken, q_len differs from kv_len, or a head is out of range or repeated.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    public static long EstimateWorkspaceSize(GpuContext context, DeviceTensor q, DeviceTensor k, ReadOnlySpan<int> heads = default)
    {
        VerticalSlashEstimateShape shape = ValidateEstimate(context, q, k, heads, softmaxScale: null);
        return QueryEstimateWorkspace(context, q, k, shape);
    }

    /// <summary>
    /// Scores the last min(64, N) queries of each listed head against all N keys (scale, causal
    /// among those queries, fp32 softmax per row) into caller buffers, enqueued on
    /// <paramref name="context"/>'s stream; returns without waiting.
    /// </summary>
    /// <remarks>
    /// For row (b, slot) = b · heads + slot: <c>verticalScores[row, j] = Σ_i p(i, j)</c> and
    /// <c>slashScores[row, o] = Σ_i p(i, i − o)</c>, the raw scores of
    /// <see cref="VerticalSlashEstimate"/> (nothing forced yet). q and k follow
    /// <see cref="Attention.Dense"/>'s operand rules with q_len == kv_len. Keep every buffer alive
    /// until the stream has run the launch.
    /// </remarks>
    /// <param name="context">The device and stream to run on; every buffer must live on its device.</param>
    /// <param name="q">Queries, [B, Hq, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="heads">Distinct query heads to estimate (at most 1024), in row order; empty for all heads.</param>
    /// <param name="softmaxScale">Multiplies q · k before the softmax; finite and &gt; 0, or null for 1/sqrt(head_dim).</param>
    /// <param name="verticalScores">Written: fp32 [B, heads, N] at the start of the buffer.</param>
    /// <param name="slashScores">Written: fp32 [B, heads, N] at the start of the buffer, indexed by diagonal offset.</param>
    /// <param name="workspace">At least <see cref="EstimateWorkspaceSize"/> bytes, or null when that is 0.</param>
    /// <exception cref="ArgumentException">An operand rule is broken, q_len differs from kv_len, a head is out of range or repeated, or a buffer is too small or aliases another.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="softmaxScale"/> is not finite and positive.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static void Estimate(
        GpuContext context,
        DeviceTensor q,
        DeviceTensor k,
        ReadOnlySpan<int> heads,
        float? softmaxScale,
        DeviceBuffer verticalScores,
        DeviceBuffer slashScores,
        DeviceBuffer? workspace)
    {
        VerticalSlashEstimateShape shape = ValidateEstimate(context, q, k, heads, softmaxScale);
        ArgumentNullException.ThrowIfNull(verticalScores);
        ArgumentNullException.ThrowIfNull(slashScores);
        verticalScores.RequireUsableOn(context, nameof(verticalScores));
        slashScores.RequireUsableOn(context, nameof(slashScores));
        DeviceBufferOperand vertical = DeviceBufferOperand.Of(verticalScores, nameof(verticalScores));
        DeviceBufferOperand slash = DeviceBufferOperand.Of(slashScores, nameof(slashScores));
        DeviceOperand qOperand = DeviceOperand.Of(q, nameof(q));
        DeviceOperand kOperand = DeviceOperand.Of(k, nameof(k));
        VerticalSlashGpuValidation.RequireScoreBuffers(shape, qOperand, kOperand, vertical, slash);
        long workspaceBytes = QueryEstimateWorkspace(context, q, k, shape);
        RequireWorkspace(context, workspaceBytes, workspace, DeviceBufferOperand.Of(qOperand), DeviceBufferOperand.Of(kOperand), vertical, slash);
        LaunchEstimate(context, q, k, shape, verticalScores, slashScores, workspace);
    }

    /// <summary>
    /// Scores the last min(64, N) queries of each listed head against all N keys into new device
    /// buffers, enqueued on <paramref name="context"/>'s stream; see
    /// <see cref="Estimate(GpuContext, DeviceTensor, DeviceTensor, ReadOnlySpan{int}, float?, DeviceBuffer, DeviceBuffer, DeviceBuffer?)"/>.
    /// </summary>
    /// <param name="context">The device and stream to run on; every buffer must live on its device.</param>
    /// <param name="q">Queries, [B, Hq, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="heads">Distinct query heads to estimate (at most 1024), in row order; empty for all heads.</param>
    /// <param name="softmaxScale">Multiplies q · k before the softmax; finite and &gt; 0, or null for 1/sqrt(head_dim).</param>
    /// <param name="workspace">
    /// At least <see cref="EstimateWorkspaceSize"/> bytes; null to allocate one for the call, which
    /// then waits for the launch to finish before returning.
    /// </param>
    /// <returns>The scores, owned by the caller.</returns>
    /// <exception cref="ArgumentException">An operand rule is broken, q_len differs from kv_len, a head is out of range or repeated, or the workspace is too small or aliases q or k.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="softmaxScale"/> is not finite and positive.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="ObjectDisposedException">The context or a buffer is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has no room for the scores.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public static DeviceVerticalSlashScores Estimate(
        GpuContext context, DeviceTensor q, DeviceTensor k, ReadOnlySpan<int> heads = default, float? softmaxScale = null, DeviceBuffer? workspace = null)
    {
        VerticalSlashEstimateShape shape = ValidateEstimate(context, q, k, heads, softmaxScale);
        long workspaceBytes = QueryEstimateWorkspace(context, q, k, shape);
        RequireOptionalWorkspace(context, workspaceBytes, workspace, DeviceBufferOperand.Of(DeviceOperand.Of(q, nameof(q))), DeviceBufferOperand.Of(DeviceOperand.Of(k, nameof(k))));
        var verticalScores = new DeviceBuffer(context, shape.ScoreBytes);
        DeviceBuffer? slashScores = null;
        DeviceBuffer? temporary = null;
        try
        {
            slashScores = new DeviceBuffer(context, shape.ScoreBytes);
            temporary = TemporaryWorkspace(context, workspaceBytes, workspace);
            LaunchEstimate(context, q, k, shape, verticalScores, slashScores, workspace ?? temporary);
            return new DeviceVerticalSlashScores(context, shape.SequenceLength, shape.BatchSize, shape.Heads, verticalScores, slashScores);
        }
        catch
        {
            slashScores?.Dispose();
            verticalScores.Dispose();
            throw;
        }
        finally
        {
            temporary?.Dispose();
        }
    }

    /// <summary>Asks the library how much workspace the estimation of <paramref name="shape"/> needs.</summary>
    private static long QueryEstimateWorkspace(GpuContext context, DeviceTensor q, DeviceTensor k, VerticalSlashEstimateShape shape)
    {
        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var kMemory = new SafeHandleLease(k.Buffer.Memory);
        MiVsEstimateArgs args = DescribeEstimate(shape, q, qMemory.Value, k, kMemory.Value);
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.VsEstimateWorkspaceSize(args, shape.Heads, out long bytes));
        return bytes;
    }

    /// <summary>Enqueues a validated estimation while every buffer is leased.</summary>
    private static void LaunchEstimate(
        GpuContext context, DeviceTensor q, DeviceTensor k, VerticalSlashEstimateShape shape, DeviceBuffer verticalScores, DeviceBuffer slashScores, DeviceBuffer? workspace)
    {
        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var kMemory = new SafeHandleLease(k.Buffer.Memory);
        using var verticalMemory = new SafeHandleLease(verticalScores.Memory);
        using var slashMemory = new SafeHandleLease(slashScores.Memory);
        using var workspaceMemory = workspace is null ? default : new SafeHandleLease(workspace.Memory);
        MiVsEstimateArgs args = DescribeEstimate(shape, q, qMemory.Value, k, kMemory.Value);
        args.VerticalScores = verticalMemory.Value;
        args.SlashScores = slashMemory.Value;
        context.MakeCurrent();
        MiStatus.ThrowIfFailed(MiNative.VsEstimate(args, shape.Heads, workspaceMemory.Value, workspace?.LengthInBytes ?? 0, context.Stream.Handle));
    }

    /// <summary>The estimation's arguments without outputs; the head list is passed (pinned) separately.</summary>
    private static MiVsEstimateArgs DescribeEstimate(VerticalSlashEstimateShape shape, DeviceTensor q, nint qAddress, DeviceTensor k, nint kAddress) => new()
    {
        DType = (MiDType)q.DType,
        Batch = shape.Attention.Batch,
        QHeads = shape.Attention.QHeads,
        KvHeads = shape.Attention.KvHeads,
        SeqLen = shape.Attention.QLen,
        HeadDim = shape.Attention.HeadDim,
        Q = MiTensorDescriptor.Of(q, qAddress),
        K = MiTensorDescriptor.Of(k, kAddress),
        SoftmaxScale = shape.SoftmaxScale,
    };
}

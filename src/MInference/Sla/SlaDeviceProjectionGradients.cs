namespace MInference.Sla;

/// <summary>
/// The projection's gradients of a GPU backward on the device, as <see cref="GpuSparseLinearAttention.Backward(GpuContext, DeviceTensor, DeviceTensor, DeviceTensor, SlaDeviceProjection, SlaOptions, SlaDeviceSavedState, DeviceTensor, DeviceTensor, DeviceTensor, DeviceTensor)"/>
/// writes them: dW as fp32 [D, D] row-major (output index first, as <see cref="SlaDeviceProjection"/>'s W)
/// and db as fp32 [D], each summed over every (batch, head). Owns both buffers and frees them on
/// <see cref="Dispose"/>; the values are defined once a backward into it has run.
/// </summary>
public sealed class SlaDeviceProjectionGradients : IDisposable
{
    private SlaDeviceProjectionGradients(GpuContext context, SlaParameterBuffers buffers, int headDim)
    {
        Context = context;
        Buffers = buffers;
        HeadDim = headDim;
    }

    /// <summary>The context whose device holds the gradients.</summary>
    public GpuContext Context { get; }

    /// <summary>D: dW is D × D, db has D values.</summary>
    public int HeadDim { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Buffers.IsDisposed;

    /// <summary>dW, fp32 [D, D] row-major.</summary>
    internal DeviceBuffer Weight => Buffers.Weight;

    /// <summary>db, fp32 [D].</summary>
    internal DeviceBuffer Bias => Buffers.Bias;

    private SlaParameterBuffers Buffers { get; }

    /// <summary>
    /// Allocates dW and db for a head dimension of <paramref name="headDim"/>, for backwards that must
    /// not allocate (<see cref="GpuSparseLinearAttention.Backward(GpuContext, DeviceTensor, DeviceTensor, DeviceTensor, SlaDeviceProjection, SlaOptions, SlaDeviceSavedState, DeviceTensor, DeviceTensor, DeviceTensor, DeviceTensor, SlaDeviceProjectionGradients, DeviceBuffer)"/>).
    /// </summary>
    /// <param name="context">The device.</param>
    /// <param name="headDim">D, one of <see cref="AttentionHeadDims.Supported"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="headDim"/> is not a head dimension the kernels take.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="context"/> is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has not enough free memory.</exception>
    public static SlaDeviceProjectionGradients Allocate(GpuContext context, int headDim)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!AttentionHeadDims.IsSupported(headDim))
        {
            throw new ArgumentOutOfRangeException(nameof(headDim), headDim, $"the SLA kernels take head_dim {AttentionHeadDims.Text}");
        }

        context.ThrowIfDisposed();
        return new SlaDeviceProjectionGradients(context, SlaParameterBuffers.Allocate(context, headDim), headDim);
    }

    /// <summary>dW and db in double (each the fp32 value the device holds). Waits for the work that writes them.</summary>
    /// <exception cref="ObjectDisposedException">The gradients are disposed.</exception>
    /// <exception cref="CudaException">Earlier asynchronous work on the stream failed.</exception>
    public SlaParameterGradients CopyToHost()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var weight = new float[HeadDim * HeadDim];
        var bias = new float[HeadDim];
        Weight.CopyToHost<float>(weight);
        Bias.CopyToHost<float>(bias);
        return new SlaParameterGradients([.. weight.Select(value => (double)value)], [.. bias.Select(value => (double)value)]);
    }

    /// <summary>Frees both device buffers.</summary>
    public void Dispose() => Buffers.Dispose();

    /// <summary>Checks, before a launch, that the gradients are alive on <paramref name="context"/>'s device and sized for <paramref name="shape"/>'s D.</summary>
    /// <exception cref="ObjectDisposedException">The gradients are disposed.</exception>
    /// <exception cref="ArgumentException">They live on another device or hold another D.</exception>
    internal void RequireFits(GpuContext context, SlaShape shape, string name)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        Weight.RequireUsableOn(context, name);
        if (HeadDim != shape.HeadDim)
        {
            throw new ArgumentException(
                $"{name} holds dW {HeadDim} x {HeadDim} and db of {HeadDim}; expected head_dim x head_dim = {shape.HeadDim} x {shape.HeadDim} (allocate them for the operands' head_dim)", name);
        }
    }
}

namespace MInference.Sla;

/// <summary>
/// Proj of SLA's linear branch on the device, for <see cref="GpuSparseLinearAttention.Forward(GpuContext, DeviceTensor, DeviceTensor, DeviceTensor, SlaDeviceProjection, SlaOptions, DeviceTensor, SlaDeviceMask)"/>:
/// W as fp32 [D, D] row-major (output index first, as <see cref="SlaProjection.Weight"/>) and b as
/// fp32 [D]. Owns both buffers and frees them on <see cref="Dispose"/>; the caller owns it and keeps
/// it alive until the forwards that read it have run.
/// </summary>
public sealed class SlaDeviceProjection : IDisposable
{
    private SlaDeviceProjection(GpuContext context, SlaParameterBuffers buffers, int headDim)
    {
        Context = context;
        Buffers = buffers;
        HeadDim = headDim;
    }

    /// <summary>The context whose device holds the weights.</summary>
    public GpuContext Context { get; }

    /// <summary>D: W is D × D, b has D values.</summary>
    public int HeadDim { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Buffers.IsDisposed;

    internal DeviceBuffer Weight => Buffers.Weight;

    internal DeviceBuffer Bias => Buffers.Bias;

    private SlaParameterBuffers Buffers { get; }

    /// <summary>Copies <paramref name="projection"/> to <paramref name="context"/>'s device, rounding each weight to fp32.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A weight's magnitude is beyond fp32's range (it would become infinite).</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="context"/> is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has not enough free memory.</exception>
    public static SlaDeviceProjection Upload(GpuContext context, SlaProjection projection)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(projection);
        context.ThrowIfDisposed();
        float[] weight = ToSingle(projection.Weight.Span, "weight", nameof(projection));
        float[] bias = ToSingle(projection.Bias.Span, "bias", nameof(projection));
        SlaParameterBuffers buffers = SlaParameterBuffers.Allocate(context, projection.HeadDim);
        try
        {
            buffers.Weight.CopyFromHost<float>(weight);
            buffers.Bias.CopyFromHost<float>(bias);
            return new SlaDeviceProjection(context, buffers, projection.HeadDim);
        }
        catch
        {
            buffers.Dispose();
            throw;
        }
    }

    /// <summary>Frees both device buffers.</summary>
    public void Dispose() => Buffers.Dispose();

    private static float[] ToSingle(ReadOnlySpan<double> values, string name, string paramName)
    {
        var single = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            single[i] = (float)values[i];
            if (!float.IsFinite(single[i]))
            {
                throw new ArgumentException($"the projection's {name}[{i}] = {values[i]:G17} is beyond fp32's range (±{float.MaxValue:G9}); the kernels read fp32 weights", paramName);
            }
        }

        return single;
    }
}

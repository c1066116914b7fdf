namespace MInference.Sla;

/// <summary>
/// A Proj-shaped pair of fp32 device buffers, owned together: W (or dW) [D, D] row-major and b (or
/// db) [D]. <see cref="SlaDeviceProjection"/> and <see cref="SlaDeviceProjectionGradients"/> hold one.
/// </summary>
internal sealed class SlaParameterBuffers : IDisposable
{
    private SlaParameterBuffers(DeviceBuffer weight, DeviceBuffer bias)
    {
        Weight = weight;
        Bias = bias;
    }

    /// <summary>[D, D] fp32, row-major (output index first).</summary>
    public DeviceBuffer Weight { get; }

    /// <summary>[D] fp32.</summary>
    public DeviceBuffer Bias { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Weight.IsDisposed;

    /// <summary>Allocates both buffers for a head dimension of <paramref name="headDim"/>; nothing is left allocated when the second fails.</summary>
    /// <exception cref="DeviceOutOfMemoryException">The device has not enough free memory.</exception>
    public static SlaParameterBuffers Allocate(GpuContext context, int headDim)
    {
        var weight = new DeviceBuffer(context, (long)headDim * headDim * sizeof(float));
        try
        {
            return new SlaParameterBuffers(weight, new DeviceBuffer(context, (long)headDim * sizeof(float)));
        }
        catch
        {
            weight.Dispose();
            throw;
        }
    }

    /// <summary>Frees both buffers.</summary>
    public void Dispose()
    {
        Bias.Dispose();
        Weight.Dispose();
    }
}

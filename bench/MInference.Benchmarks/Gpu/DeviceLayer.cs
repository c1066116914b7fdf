using System.Runtime.InteropServices;

namespace MInference.Benchmarks.Gpu;

/// <summary>A <see cref="SyntheticLayer"/> on the device: bf16 q, k, v, an output and an fp32 log-sum-exp buffer.</summary>
public sealed class DeviceLayer : IDisposable
{
    private readonly DeviceBuffer[] _buffers;

    /// <summary>Uploads <paramref name="layer"/> on <paramref name="context"/>'s stream.</summary>
    public DeviceLayer(GpuContext context, SyntheticLayer layer)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(layer);
        Layer = layer;
        DeviceBuffer q = Upload(context, layer.QBits);
        DeviceBuffer k = Upload(context, layer.KBits);
        DeviceBuffer v = Upload(context, layer.VBits);
        DeviceBuffer output = new(context, (long)layer.OutputLength * sizeof(ushort));
        LogSumExp = new DeviceBuffer(context, (long)layer.LogSumExpLength * sizeof(float));
        _buffers = [q, k, v, output, LogSumExp];
        Q = new DeviceTensor(q, DType.BFloat16, layer.Q.Layout);
        K = new DeviceTensor(k, DType.BFloat16, layer.K.Layout);
        V = new DeviceTensor(v, DType.BFloat16, layer.V.Layout);
        Output = new DeviceTensor(output, DType.BFloat16, layer.OutputLayout);
    }

    /// <summary>The host layer uploaded.</summary>
    public SyntheticLayer Layer { get; }

    /// <summary>Queries, bf16 [1, H, N, D].</summary>
    public DeviceTensor Q { get; }

    /// <summary>Keys, bf16 [1, Hkv, N, D].</summary>
    public DeviceTensor K { get; }

    /// <summary>Values, bf16 [1, Hkv, N, D].</summary>
    public DeviceTensor V { get; }

    /// <summary>Output, bf16 [1, H, N, D].</summary>
    public DeviceTensor Output { get; }

    /// <summary>Log-sum-exp, fp32 [1, H, N].</summary>
    public DeviceBuffer LogSumExp { get; }

    public void Dispose()
    {
        foreach (DeviceBuffer buffer in _buffers)
        {
            buffer.Dispose();
        }
    }

    private static DeviceBuffer Upload(GpuContext context, ReadOnlySpan<ushort> bits)
    {
        var buffer = new DeviceBuffer(context, MemoryMarshal.AsBytes(bits).Length);
        buffer.CopyFromHost(bits);
        return buffer;
    }
}

using MInference.Synthetic;

namespace MInference.Tests.Sla;

/// <summary>
/// dO and the gradients dQ, dK, dV of one SLA GPU backward, all in <see cref="Layout"/> on the
/// device: dO as N(0, 1) values rounded to the dtype (kept on the host as the values those bits
/// decode to, which the CPU reference must see), the gradients allocated and poisoned with NaN, so an
/// element the kernels never write fails the finiteness check. Owns the device buffers.
/// </summary>
internal sealed class SlaGpuGradients : IDisposable
{
    private const byte NaNPoison = 0xFF; // 0xFFFF is NaN in fp16 and bf16.
    private readonly float[] _outputGradient;
    private readonly List<DeviceBuffer> _buffers = [];

    public SlaGpuGradients(GpuContext context, DType dtype, TensorLayout layout, Random random)
    {
        Layout = layout;
        try
        {
            var values = new float[layout.RequiredElementCount];
            StandardNormal.Fill(random, values);
            var bits = new ushort[values.Length];
            HalfPrecision.Encode(values, bits, dtype);
            _outputGradient = new float[values.Length];
            HalfPrecision.Decode(bits, _outputGradient, dtype);
            OutputGradient = Allocate(context, dtype);
            OutputGradient.Buffer.CopyFromHost<ushort>(bits);
            Query = Allocate(context, dtype);
            Key = Allocate(context, dtype);
            Value = Allocate(context, dtype);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public TensorLayout Layout { get; }

    /// <summary>dO, read by the backward.</summary>
    public DeviceTensor OutputGradient { get; }

    /// <summary>dQ, written.</summary>
    public DeviceTensor Query { get; }

    /// <summary>dK, written.</summary>
    public DeviceTensor Key { get; }

    /// <summary>dV, written.</summary>
    public DeviceTensor Value { get; }

    /// <summary>dO of head (b, h) as [N, D] doubles, as the CPU reference takes it.</summary>
    public double[] OutputGradientHead(int b, int h)
    {
        int n = (int)Layout.Lengths[2], d = (int)Layout.Lengths[3];
        var head = new double[n * d];
        for (int t = 0; t < n; t++)
        {
            for (int c = 0; c < d; c++)
            {
                head[(t * d) + c] = _outputGradient[Layout.GetOffset(b, h, t, c)];
            }
        }

        return head;
    }

    /// <summary>Poisons dQ, dK and dV with NaN again (before a second backward into them).</summary>
    public void Poison()
    {
        foreach (DeviceTensor gradient in (DeviceTensor[])[Query, Key, Value])
        {
            gradient.Buffer.Fill(NaNPoison);
        }
    }

    public void Dispose() => _buffers.ForEach(buffer => buffer.Dispose());

    private DeviceTensor Allocate(GpuContext context, DType dtype)
    {
        var buffer = new DeviceBuffer(context, Layout.RequiredElementCount * dtype.ElementSize);
        _buffers.Add(buffer);
        buffer.Fill(NaNPoison);
        return new DeviceTensor(buffer, dtype, Layout);
    }
}

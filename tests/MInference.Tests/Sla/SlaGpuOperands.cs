using MInference.Sla;
using MInference.Synthetic;

namespace MInference.Tests.Sla;

/// <summary>
/// Q, K, V and an output of one SLA GPU case: on the device as dtype bits in <see cref="Layout"/>
/// (BHSD or BSHD memory, logical [B, H, N, D]), and on the host as the values those bits decode to,
/// which the CPU reference must see. Owns the device buffers.
/// </summary>
internal sealed class SlaGpuOperands : IDisposable
{
    private readonly float[] _q;
    private readonly float[] _k;
    private readonly float[] _v;
    private readonly List<DeviceBuffer> _buffers = [];

    /// <summary>Rounds <paramref name="q"/>, <paramref name="k"/> and <paramref name="v"/> (each laid out as <paramref name="layout"/>) to <paramref name="dtype"/> and uploads them; the output is allocated, not written.</summary>
    public SlaGpuOperands(GpuContext context, DType dtype, TensorLayout layout, float[] q, float[] k, float[] v)
    {
        Layout = layout;
        DType = dtype;
        try
        {
            (Q, _q) = Upload(context, q);
            (K, _k) = Upload(context, k);
            (V, _v) = Upload(context, v);
            var output = new DeviceBuffer(context, layout.RequiredElementCount * sizeof(ushort));
            _buffers.Add(output);
            Output = new DeviceTensor(output, dtype, layout);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public TensorLayout Layout { get; }

    public DType DType { get; }

    public DeviceTensor Q { get; }

    public DeviceTensor K { get; }

    public DeviceTensor V { get; }

    public DeviceTensor Output { get; }

    public int Batch => (int)Layout.Lengths[0];

    public int Heads => (int)Layout.Lengths[1];

    public int SequenceLength => (int)Layout.Lengths[2];

    public int HeadDim => (int)Layout.Lengths[3];

    /// <summary>N(0, 1) inputs.</summary>
    public static SlaGpuOperands Normal(GpuContext context, DType dtype, TensorLayout layout, Random random)
    {
        float[] Values()
        {
            var values = new float[layout.RequiredElementCount];
            StandardNormal.Fill(random, values);
            return values;
        }

        return new SlaGpuOperands(context, dtype, layout, Values(), Values(), Values());
    }

    /// <summary>Head (b, h) of the rounded inputs, as the CPU reference takes it.</summary>
    public SlaHead Head(int b, int h) => new(Gather(_q, b, h), Gather(_k, b, h), Gather(_v, b, h), SequenceLength, HeadDim);

    /// <summary>A 16-bit tensor on the device, decoded, in its own layout (waits for the work that writes it).</summary>
    public static float[] Download(DeviceTensor tensor)
    {
        var bits = new ushort[tensor.Layout.RequiredElementCount];
        tensor.Buffer.CopyToHost<ushort>(bits, tensor.ElementOffset * sizeof(ushort));
        var values = new float[bits.Length];
        HalfPrecision.Decode(bits, values, tensor.DType);
        return values;
    }

    /// <summary>Per-head [N, D] results scattered into one tensor of <paramref name="layout"/>.</summary>
    public static float[] Scatter(IReadOnlyList<double[]> perHead, TensorLayout layout)
    {
        var values = new float[layout.RequiredElementCount];
        int heads = (int)layout.Lengths[1], n = (int)layout.Lengths[2], d = (int)layout.Lengths[3];
        for (int index = 0; index < perHead.Count; index++)
        {
            for (int t = 0; t < n; t++)
            {
                for (int c = 0; c < d; c++)
                {
                    values[layout.GetOffset(index / heads, index % heads, t, c)] = (float)perHead[index][(t * d) + c];
                }
            }
        }

        return values;
    }

    public void Dispose() => _buffers.ForEach(buffer => buffer.Dispose());

    private (DeviceTensor Tensor, float[] Rounded) Upload(GpuContext context, float[] values)
    {
        var bits = new ushort[values.Length];
        HalfPrecision.Encode(values, bits, DType);
        var rounded = new float[values.Length];
        HalfPrecision.Decode(bits, rounded, DType);
        var buffer = new DeviceBuffer(context, (long)bits.Length * sizeof(ushort));
        _buffers.Add(buffer);
        buffer.CopyFromHost<ushort>(bits);
        return (new DeviceTensor(buffer, DType, Layout), rounded);
    }

    private double[] Gather(float[] values, int b, int h)
    {
        int n = SequenceLength, d = HeadDim;
        var head = new double[n * d];
        for (int t = 0; t < n; t++)
        {
            for (int c = 0; c < d; c++)
            {
                head[(t * d) + c] = values[Layout.GetOffset(b, h, t, c)];
            }
        }

        return head;
    }
}

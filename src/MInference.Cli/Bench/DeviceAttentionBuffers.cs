namespace MInference.Cli.Bench;

/// <summary>Device buffers and contiguous BHSD views for one <see cref="AttentionProblem"/>; owns the buffers.</summary>
internal sealed class DeviceAttentionBuffers : IDisposable
{
    private const int UploadChunkElements = 1 << 20;
    private readonly List<DeviceBuffer> _buffers = [];

    /// <param name="context">The device.</param>
    /// <param name="problem">Sizes and dtype.</param>
    /// <param name="withDenseOutput">Also allocate <see cref="DenseOutput"/> (a sparse layer's output is compared with it).</param>
    public DeviceAttentionBuffers(GpuContext context, AttentionProblem problem, bool withDenseOutput = false)
    {
        try
        {
            Q = Allocate(context, problem.DType, problem.QueryLayout);
            K = Allocate(context, problem.DType, problem.KeyValueLayout);
            V = Allocate(context, problem.DType, problem.KeyValueLayout);
            Output = Allocate(context, problem.DType, problem.QueryLayout);
            DenseOutput = withDenseOutput ? Allocate(context, problem.DType, problem.QueryLayout) : Output;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public DeviceTensor Q { get; }

    public DeviceTensor K { get; }

    public DeviceTensor V { get; }

    public DeviceTensor Output { get; }

    /// <summary>Dense attention's output, apart from <see cref="Output"/> when the buffers were made with one (otherwise the same tensor).</summary>
    public DeviceTensor DenseOutput { get; }

    /// <summary>
    /// Fills q, k and v with uniform [-1, 1) values rounded to the dtype, generated on the host one
    /// chunk at a time (memory stays bounded at long sequences) and uploaded once. Timing does not
    /// depend on the values, but all-zero inputs would not exercise a realistic softmax.
    /// </summary>
    public void FillInputsWithRandomValues(Random random)
    {
        foreach (DeviceTensor tensor in (DeviceTensor[])[Q, K, V])
        {
            FillWithRandomValues(tensor, random);
        }
    }

    /// <summary>Fills a contiguous 16-bit <paramref name="tensor"/> as <see cref="FillInputsWithRandomValues"/> fills q, k and v.</summary>
    public static void FillWithRandomValues(DeviceTensor tensor, Random random)
    {
        var values = new float[UploadChunkElements];
        var bits = new ushort[UploadChunkElements];
        for (long start = 0; start < tensor.Layout.ElementCount; start += UploadChunkElements)
        {
            int count = (int)Math.Min(UploadChunkElements, tensor.Layout.ElementCount - start);
            for (int i = 0; i < count; i++)
            {
                values[i] = (random.NextSingle() * 2) - 1;
            }

            HalfPrecision.Encode(values.AsSpan(0, count), bits, tensor.DType);
            tensor.Buffer.CopyFromHost<ushort>(bits.AsSpan(0, count), start * sizeof(ushort));
        }
    }

    public void Dispose()
    {
        foreach (DeviceBuffer buffer in _buffers)
        {
            buffer.Dispose();
        }
    }

    private DeviceTensor Allocate(GpuContext context, DType dtype, TensorLayout layout)
    {
        var buffer = new DeviceBuffer(context, layout.ElementCount * dtype.ElementSize);
        _buffers.Add(buffer);
        return new DeviceTensor(buffer, dtype, layout);
    }
}

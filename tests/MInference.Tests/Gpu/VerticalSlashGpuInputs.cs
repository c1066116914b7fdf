using MInference.Synthetic;
using MInference.Tests.Support;

namespace MInference.Tests.Gpu;

/// <summary>
/// Structured q, k, v for one <see cref="VerticalSlashGpuCase"/> (sinks, a local band, two diagonals
/// and two vertical keys), rounded to the dtype exactly as <see cref="SparseAttentionGpuTests"/>
/// does: the host tensors hold the rounded values the device buffers hold, so the CPU references
/// see exactly what the kernels see. Owns the device buffers.
/// </summary>
internal sealed class VerticalSlashGpuInputs : IDisposable
{
    private readonly DeviceBuffer _q;
    private readonly DeviceBuffer _k;
    private readonly DeviceBuffer _v;

    private VerticalSlashGpuInputs(GpuContext context, VerticalSlashGpuCase testCase)
    {
        Seed = RandomValues.StableSeed(testCase.ToString());
        int n = testCase.SequenceLength;
        var data = StructuredAttentionData.Generate(new StructuredAttentionOptions
        {
            BatchSize = testCase.Batch,
            SequenceLength = n,
            Heads = SparseCase.QueryHeads,
            KvHeads = SparseCase.KvHeads,
            HeadDim = testCase.HeadDim,
            Seed = Seed,
            DiagonalOffsets = [Math.Max(1, n / 7), Math.Max(1, n / 3)],
            VerticalPositions = [n / 2, (3 * n) / 4],
        });
        (ushort[] qBits, Q) = DTypeRounding.RoundTo(testCase.DType, data.Q);
        (ushort[] kBits, K) = DTypeRounding.RoundTo(testCase.DType, data.K);
        (ushort[] vBits, V) = DTypeRounding.RoundTo(testCase.DType, data.V);
        _q = Upload(context, qBits);
        _k = Upload(context, kBits);
        _v = Upload(context, vBits);
        QTensor = new DeviceTensor(_q, testCase.DType, Q.Layout);
        KTensor = new DeviceTensor(_k, testCase.DType, K.Layout);
        VTensor = new DeviceTensor(_v, testCase.DType, V.Layout);
    }

    /// <summary>The data's seed, for failure messages.</summary>
    public int Seed { get; }

    /// <summary>Queries rounded to the dtype, [B, 8, N, D].</summary>
    public ReadOnlyHostTensor Q { get; }

    /// <summary>Keys rounded to the dtype, [B, 2, N, D].</summary>
    public ReadOnlyHostTensor K { get; }

    /// <summary>Values rounded to the dtype, [B, 2, N, D].</summary>
    public ReadOnlyHostTensor V { get; }

    public DeviceTensor QTensor { get; }

    public DeviceTensor KTensor { get; }

    public DeviceTensor VTensor { get; }

    public static VerticalSlashGpuInputs Create(GpuContext context, VerticalSlashGpuCase testCase) => new(context, testCase);

    public void Dispose()
    {
        _q.Dispose();
        _k.Dispose();
        _v.Dispose();
    }

    private static DeviceBuffer Upload(GpuContext context, ushort[] bits)
    {
        var buffer = new DeviceBuffer(context, (long)bits.Length * sizeof(ushort));
        buffer.CopyFromHost<ushort>(bits);
        return buffer;
    }
}

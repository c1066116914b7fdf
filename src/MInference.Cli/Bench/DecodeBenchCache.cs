using MInference.Decode;

namespace MInference.Cli.Bench;

/// <summary>A PQ cache of random codes, centroids and window for `bench decode`: every sequence <c>coded</c> tokens in codes and <c>windowed</c> in the 128-token window.</summary>
internal sealed class DecodeBenchCache : IDisposable
{
    public const int Window = PqKvCacheOptions.DefaultWindowTokens;

    private readonly DeviceBuffer[] _buffers;

    public DecodeBenchCache(GpuContext context, DecodeBenchShape shape, int coded, int windowed, Random random)
    {
        long codeBytes = (long)shape.Batch * shape.KvHeads * Math.Max(coded, 1) * shape.Subspaces;
        var windowLayout = TensorLayout.Bhsd(shape.Batch, shape.KvHeads, Window, shape.HeadDim);
        var buffers = new List<DeviceBuffer>();
        DeviceBuffer Keep(DeviceBuffer buffer)
        {
            buffers.Add(buffer);
            return buffer;
        }

        try
        {
            DeviceBuffer keyCodes = Keep(DecodeBenchBuffers.RandomBytes(context, codeBytes, random));
            DeviceBuffer valueCodes = Keep(DecodeBenchBuffers.RandomBytes(context, codeBytes, random));
            DeviceBuffer keyCentroids = Keep(DecodeBenchBuffers.RandomFloats(context, (long)shape.KvHeads * shape.HeadDim * 256, random));
            DeviceBuffer valueCentroids = Keep(DecodeBenchBuffers.RandomFloats(context, (long)shape.KvHeads * shape.HeadDim * 256, random));
            DeviceBuffer keyWindow = Keep(DecodeBenchBuffers.Random16(context, shape.DType, windowLayout.RequiredElementCount, random));
            DeviceBuffer valueWindow = Keep(DecodeBenchBuffers.Random16(context, shape.DType, windowLayout.RequiredElementCount, random));
            DeviceBuffer codedLengths = Keep(DecodeBenchBuffers.Lengths(context, shape.Batch, coded));
            DeviceBuffer windowLengths = Keep(DecodeBenchBuffers.Lengths(context, shape.Batch, windowed));
            View = new GpuPqCacheView(
                keyCodes, valueCodes, Math.Max(coded, 1), shape.Subspaces, keyCentroids, valueCentroids, SharedCodebook: false,
                new DeviceTensor(keyWindow, shape.DType, windowLayout), new DeviceTensor(valueWindow, shape.DType, windowLayout),
                codedLengths, windowLengths, coded);
        }
        catch
        {
            buffers.ForEach(buffer => buffer.Dispose());
            throw;
        }

        _buffers = [.. buffers];
    }

    public GpuPqCacheView View { get; }

    public void Dispose()
    {
        foreach (DeviceBuffer buffer in _buffers)
        {
            buffer.Dispose();
        }
    }
}

using MInference.Cli.Bench;
using MInference.Decode;

namespace MInference.Cli.Decode;

/// <summary>
/// `decode` on the GPU: a prompt of N tokens (synthetic or captured) into a <see cref="GpuPqKvCache"/>
/// (encoded on a low-priority stream) and into a dense 16-bit device cache, then steps appended and
/// decoded with that position's queries by the PQ and the dense decode kernels; per head the mean
/// output error (and the uniform 4-bit baseline's, a CPU reference) and the top-k overlap of the scores over the steps (the keys the PQ kernel sees are
/// read back from the cache), and the time of one decode step of each at the final length.
/// </summary>
internal static class GpuDecodeEvaluation
{
    private const int TimingWarmup = 5;
    private const int TimingIterations = 20;

    public static DecodeLengthResult Run(GpuContext context, DecodeSettings settings, DecodeSource source, PqCodebooks codebooks, int length)
    {
        int total = length + settings.Steps;
        int heads = settings.Heads, kvHeads = settings.KvHeads, dim = settings.HeadDim;
        DecodeTokens data = source.Tokens(settings, total);
        int positions = (int)data.K.Layout.Lengths[2];  // ≥ total: a capture may be longer
        using DeviceBuffer keys = Upload16(context, data.K, settings.DType);
        using DeviceBuffer values = Upload16(context, data.V, settings.DType);
        using DeviceBuffer queries = Upload16(context, data.Q, settings.DType);
        DeviceTensor Rows(DeviceBuffer buffer, int headCount, int first, int count) =>
            new(buffer, settings.DType, new TensorLayout([1, headCount, count, dim], [(nint)headCount * positions * dim, (nint)positions * dim, dim, 1]), (long)first * dim);

        using var pq = new GpuPqKvCache(context, codebooks, settings.CodebookLayer, new PqKvCacheOptions { Capacity = total, WindowTokens = settings.Window, DType = settings.DType });
        using var encoder = new GpuStream(context, GpuStreamPriority.Lowest);
        pq.AppendPrompt(0, Rows(keys, kvHeads, 0, length), Rows(values, kvHeads, 0, length), encoder);

        var outputLayout = TensorLayout.Bhsd(1, heads, 1, dim);
        using var pqOutputBuffer = new DeviceBuffer(context, outputLayout.ElementCount * sizeof(ushort));
        using var denseOutputBuffer = new DeviceBuffer(context, outputLayout.ElementCount * sizeof(ushort));
        var pqOutput = new DeviceTensor(pqOutputBuffer, settings.DType, outputLayout);
        var denseOutput = new DeviceTensor(denseOutputBuffer, settings.DType, outputLayout);
        using var denseLengths = new DeviceBuffer(context, sizeof(int));
        DeviceTensor denseKeys = Rows(keys, kvHeads, 0, total), denseValues = Rows(values, kvHeads, 0, total);

        // The uniform 4-bit baseline is a CPU reference over a host copy of the exact cache.
        var exactHost = new DenseKvCache(1, kvHeads, dim, total, settings.DType);
        exactHost.AppendPrompt(0, DecodeMetrics.Tokens(data.K, 0, length, kvHeads), DecodeMetrics.Tokens(data.V, 0, length, kvHeads));
        var metrics = new DecodeHeadMetrics(settings);
        var pqBits = new ushort[outputLayout.ElementCount];
        var denseBits = new ushort[outputLayout.ElementCount];
        DeviceTensor query = Rows(queries, heads, 0, 1);
        using DeviceBuffer pqWorkspace = new(context, Math.Max(1, pq.WorkspaceSize(Rows(queries, heads, total - 1, 1), pqOutput)));
        using DeviceBuffer denseWorkspace = new(context, Math.Max(1, Attention.DenseDecodeWorkspaceSize(context, query, denseKeys, denseValues, denseLengths, total, denseOutput)));
        for (int position = length; position < total; position++)
        {
            pq.AppendStep(Rows(keys, kvHeads, position, 1), Rows(values, kvHeads, position, 1), encoder);
            denseLengths.CopyFromHost<int>([position + 1]);
            query = Rows(queries, heads, position, 1);
            pq.Decode(query, pqOutput, pqWorkspace);
            Attention.DenseDecode(context, query, denseKeys, denseValues, denseLengths, total, denseOutput, denseWorkspace);
            pqOutputBuffer.CopyToHost<ushort>(pqBits);
            denseOutputBuffer.CopyToHost<ushort>(denseBits);
            float[] pqValues = DecodeMetrics.Widen(pqBits, settings.DType), denseValuesOut = DecodeMetrics.Widen(denseBits, settings.DType);
            ReadOnlyHostTensor hostQueries = DecodeMetrics.Step(data.Q, position, heads);
            float[][] pqKeys = PqKeys(pq, codebooks, settings.CodebookLayer, settings.DType);
            float[][] exactKeys = [.. Enumerable.Range(0, kvHeads).Select(kvHead => ExactKeys(data.K, kvHead, position + 1, settings.DType))];
            exactHost.AppendStep(DecodeMetrics.Step(data.K, position, kvHeads), DecodeMetrics.Step(data.V, position, kvHeads));
            DenseKvCache baseline = UniformKvQuantizer.BaselineCache(exactHost, 0, pq.CodedLength(0));
            var uniformValues = new float[heads * dim];
            CpuDecodeAttention.Dense(baseline, hostQueries, new HostTensor(uniformValues, TensorLayout.Contiguous(1, heads, dim)));
            metrics.AddStep(pqValues, denseValuesOut, uniformValues, hostQueries, pqKeys, exactKeys);
        }

        double pqMilliseconds = DecodeBenchBuffers.Median(context, TimingWarmup, TimingIterations, () => pq.Decode(query, pqOutput, pqWorkspace));
        double denseMilliseconds = DecodeBenchBuffers.Median(
            context, TimingWarmup, TimingIterations, () => Attention.DenseDecode(context, query, denseKeys, denseValues, denseLengths, total, denseOutput, denseWorkspace));
        (double compression, double withCodebooks) = DecodeMetrics.Compression(settings, pq.CodedLength(0), pq.WindowLength(0));
        return new DecodeLengthResult(length, pq.CodedLength(0), pq.WindowLength(0), compression, withCodebooks, pqMilliseconds, denseMilliseconds, metrics.Results());
    }

    /// <summary>A contiguous [1, heads, N, D] float tensor rounded to <paramref name="dtype"/> on the device.</summary>
    private static DeviceBuffer Upload16(GpuContext context, ReadOnlyHostTensor tensor, DType dtype) =>
        DecodeBenchBuffers.Upload16(context, tensor.Data.Span[..(int)tensor.Layout.ElementCount], dtype);

    /// <summary>Per kv head, the keys the PQ kernel sees: centroids of the cache's codes, then its 16-bit window (read back).</summary>
    private static float[][] PqKeys(GpuPqKvCache cache, PqCodebooks codebooks, int layer, DType dtype)
    {
        GpuPqCacheView view = cache.View;
        int coded = cache.CodedLength(0), window = cache.WindowLength(0);
        var codes = new byte[(long)cache.KvHeads * cache.Capacity * cache.Subspaces];
        view.KeyCodes.CopyToHost<byte>(codes);
        var windows = new ushort[view.KeyWindow.Buffer.LengthInBytes / sizeof(ushort)];
        view.KeyWindow.Buffer.CopyToHost<ushort>(windows);
        var keys = new float[cache.KvHeads][];
        for (int kvHead = 0; kvHead < cache.KvHeads; kvHead++)
        {
            long codeStart = (long)kvHead * cache.Capacity * cache.Subspaces;
            long windowStart = view.KeyWindow.ElementOffset + view.KeyWindow.Layout.GetOffset(0, kvHead, 0, 0);
            keys[kvHead] = DecodeMetrics.PqKeys(
                codebooks.Keys(layer, kvHead), codes.AsSpan((int)codeStart, coded * cache.Subspaces), windows.AsSpan((int)windowStart, window * cache.HeadDim), dtype);
        }

        return keys;
    }

    /// <summary>The first <paramref name="tokens"/> keys of one kv head as the dense cache holds them (rounded to <paramref name="dtype"/>).</summary>
    private static float[] ExactKeys(ReadOnlyHostTensor keys, int kvHead, int tokens, DType dtype)
    {
        int dim = (int)keys.Layout.Lengths[3];
        ReadOnlySpan<float> rows = keys.Data.Span.Slice((int)keys.Layout.GetOffset(0, kvHead, 0, 0), tokens * dim);
        var bits = new ushort[rows.Length];
        HalfPrecision.Encode(rows, bits, dtype);
        return DecodeMetrics.Widen(bits, dtype);
    }
}

namespace MInference.Decode;

/// <summary>
/// Everything <see cref="GpuPqKvCache"/> holds on the device, allocated once at creation: codes,
/// windows, the staging copy of flushed windows, the codebooks of one layer, the device lengths and
/// the flush plan of a step, and the events that order the encode stream against the context's
/// stream. Each buffer and event owns its native resource through a SafeHandle; a creation that
/// fails midway disposes what it made before rethrowing.
/// </summary>
internal sealed class GpuPqKvCacheStorage : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private GpuPqKvCacheStorage(GpuContext context, PqCodebooks codebooks, int layer, PqKvCacheOptions options)
    {
        try
        {
            long heads = (long)options.BatchSize * codebooks.KvHeads;
            long codeBytes = heads * options.Capacity * codebooks.Subspaces;
            long windowBytes = heads * options.WindowTokens * codebooks.HeadDim * options.DType.ElementSize;
            long lengthBytes = (long)options.BatchSize * sizeof(int);
            KeyCodes = Allocate(context, codeBytes);
            ValueCodes = Allocate(context, codeBytes);
            KeyWindow = Allocate(context, windowBytes);
            ValueWindow = Allocate(context, windowBytes);
            KeyStaging = Allocate(context, windowBytes);
            ValueStaging = Allocate(context, windowBytes);
            CodedLengths = Allocate(context, lengthBytes);
            WindowLengths = Allocate(context, lengthBytes);
            FlushOffsets = Allocate(context, lengthBytes);
            FlushCounts = Allocate(context, lengthBytes);
            SharedCodebook = codebooks.Granularity == PqCodebookGranularity.Shared;
            int books = SharedCodebook ? 1 : codebooks.KvHeads;
            KeyCentroids = Upload(context, books, head => codebooks.Keys(layer, head));
            ValueCentroids = Upload(context, books, head => codebooks.Values(layer, head));
            EncodeInputsReady = Own(new GpuEvent(context));
            StagingReleased = Own(new GpuEvent(context));
            Encoded = Own(new GpuEvent(context));

            // Zeros everywhere: the decode kernel may load rows past a length (masked, never used), and
            // zeros keep those loads finite and the read-back of untouched rows deterministic.
            foreach (DeviceBuffer buffer in new[] { KeyCodes, ValueCodes, KeyWindow, ValueWindow, KeyStaging, ValueStaging, CodedLengths, WindowLengths, FlushOffsets, FlushCounts })
            {
                buffer.Fill(0);
            }

            // Recorded once, so every later wait has a record to wait for.
            StagingReleased.Record(context.Stream);
            Encoded.Record(context.Stream);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Key codes, [B, kv_heads, capacity, M] bytes.</summary>
    public DeviceBuffer KeyCodes { get; }

    /// <summary>Value codes, the same layout.</summary>
    public DeviceBuffer ValueCodes { get; }

    /// <summary>Window keys, [B, kv_heads, W, head_dim] 16-bit.</summary>
    public DeviceBuffer KeyWindow { get; }

    /// <summary>Window values, the same layout.</summary>
    public DeviceBuffer ValueWindow { get; }

    /// <summary>Flushed window keys awaiting the encoder, the window's layout.</summary>
    public DeviceBuffer KeyStaging { get; }

    /// <summary>Flushed window values awaiting the encoder.</summary>
    public DeviceBuffer ValueStaging { get; }

    /// <summary>Key centroids of the layer, fp32 [kv_heads or 1, M, 256, head_dim / M].</summary>
    public DeviceBuffer KeyCentroids { get; }

    /// <summary>Value centroids of the layer, the same layout.</summary>
    public DeviceBuffer ValueCentroids { get; }

    /// <summary>One codebook pair for every kv head.</summary>
    public bool SharedCodebook { get; }

    /// <summary>Device int32 [B]: coded tokens per sequence.</summary>
    public DeviceBuffer CodedLengths { get; }

    /// <summary>Device int32 [B]: window tokens per sequence.</summary>
    public DeviceBuffer WindowLengths { get; }

    /// <summary>Device int32 [B], written by a step: the code row where a flushed window goes.</summary>
    public DeviceBuffer FlushOffsets { get; }

    /// <summary>Device int32 [B], written by a step: W for a sequence whose window flushed, else 0.</summary>
    public DeviceBuffer FlushCounts { get; }

    /// <summary>Recorded on the context's stream when an encode may start (its inputs are written there).</summary>
    public GpuEvent EncodeInputsReady { get; }

    /// <summary>Recorded on the encode stream once the staging buffers and the flush plan have been read.</summary>
    public GpuEvent StagingReleased { get; }

    /// <summary>Recorded on the encode stream after the last encode: all codes enqueued so far are written.</summary>
    public GpuEvent Encoded { get; }

    /// <summary>Allocates and initialises the storage; a failure releases what was made and rethrows.</summary>
    public static GpuPqKvCacheStorage Create(GpuContext context, PqCodebooks codebooks, int layer, PqKvCacheOptions options) =>
        new(context, codebooks, layer, options);

    /// <summary>Frees the device memory and the events, last made first.</summary>
    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }

    private DeviceBuffer Upload(GpuContext context, int books, Func<int, PqCodebook> codebook)
    {
        int floatsPerBook = codebook(0).CentroidValues.Length;
        var centroids = new float[(long)books * floatsPerBook];
        for (int head = 0; head < books; head++)
        {
            codebook(head).CentroidValues.CopyTo(centroids.AsSpan(head * floatsPerBook));
        }

        DeviceBuffer buffer = Allocate(context, (long)centroids.Length * sizeof(float));
        buffer.CopyFromHost<float>(centroids);
        return buffer;
    }

    private DeviceBuffer Allocate(GpuContext context, long bytes) => Own(new DeviceBuffer(context, bytes));

    private T Own<T>(T resource)
        where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }
}

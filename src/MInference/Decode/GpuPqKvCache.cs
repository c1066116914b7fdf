namespace MInference.Decode;

/// <summary>
/// The product-quantized KV cache of one layer on the GPU: the device twin of <see cref="PqKvCache"/>,
/// with its layouts and flush rule (codes [B, kv_heads, capacity, M] bytes token-major, a 16-bit window
/// [B, kv_heads, W, head_dim], <see cref="PqKvCache.CodedTokens"/> coded tokens per sequence), so the
/// same appends give the same codes and windows (codes may differ only where two centroids are within
/// fp32 rounding of each other). All device memory is allocated at creation; appends and decodes allocate
/// none and never wait on the host.
/// </summary>
/// <remarks>
/// <para>
/// <b>Streams.</b> Window writes, length updates and decode run on the context's stream. Encoding
/// (<c>mi_pq_encode</c>) runs on the stream passed to <see cref="AppendPrompt"/> or <see cref="AppendStep"/>
/// (the context's stream when none is given), for example a <see cref="GpuStreamPriority.Lowest"/>
/// <see cref="GpuStream"/> beside a <see cref="GpuStreamPriority.Highest"/> context. Events order the two:
/// an encode starts after the work enqueued on the context's stream before its append; <see cref="Decode"/>
/// makes the context's stream wait for every encode enqueued so far (it reads the codes); a step that
/// overwrites the staging buffers waits for the encode that reads them.
/// </para>
/// <para>
/// <b>Input lifetime.</b> The part of a prompt that becomes codes is read by the encoder straight from
/// the caller's <c>keys</c> and <c>values</c>, possibly after <see cref="AppendPrompt"/> returns. Keep them
/// alive and unchanged until that encode has finished: until after a <see cref="Decode"/> or
/// <see cref="WaitForEncoding"/> on the stream that changes or frees them, or after
/// <see cref="SynchronizeEncoding"/>. The window part of a prompt, and a step's keys and values, are read
/// on the context's stream in order with its other work.
/// </para>
/// <para>
/// <b>Errors.</b> Every argument and the capacity are checked before anything is enqueued: a failed
/// check leaves the device and the host lengths unchanged. Not thread-safe: use it from one thread at
/// a time, as its <see cref="GpuContext"/>.
/// </para>
/// </remarks>
public sealed class GpuPqKvCache : IDisposable
{
    private readonly KvCacheLengths _lengths;
    private GpuPqCacheView? _view;
    private bool _encoderReadsStaging;
    private bool _encodePending;

    /// <summary>Allocates an empty cache for layer <paramref name="layer"/> of <paramref name="codebooks"/> and uploads that layer's centroids.</summary>
    /// <param name="context">The device and the stream window writes and decodes use.</param>
    /// <param name="codebooks">The codebooks; their head_dim must be one the GPU kernels take (<see cref="AttentionHeadDims.Supported"/>).</param>
    /// <param name="layer">The layer whose codebooks this cache uses.</param>
    /// <param name="options">B, capacity, W and the 16-bit type.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The layer or an option is out of range.</exception>
    /// <exception cref="ArgumentException">The codebooks' head_dim is not one the GPU kernels take.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The device has not enough free memory (nothing stays allocated).</exception>
    public GpuPqKvCache(GpuContext context, PqCodebooks codebooks, int layer, PqKvCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(codebooks);
        PqKvCacheOptions.Validate(options);
        if (layer < 0 || layer >= codebooks.Layers)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer {layer}; expected 0 to {codebooks.Layers - 1} (the codebooks' layers)");
        }

        if (!AttentionHeadDims.IsSupported(codebooks.HeadDim))
        {
            throw new ArgumentException($"the codebooks' head_dim is {codebooks.HeadDim}; the GPU kernels take {AttentionHeadDims.Text}", nameof(codebooks));
        }

        context.ThrowIfDisposed();
        Context = context;
        Codebooks = codebooks;
        Layer = layer;
        BatchSize = options.BatchSize;
        Capacity = options.Capacity;
        WindowTokens = options.WindowTokens;
        DType = options.DType;
        WindowLayout = TensorLayout.Bhsd(BatchSize, KvHeads, WindowTokens, HeadDim);
        _lengths = new KvCacheLengths(BatchSize, Capacity);
        Storage = GpuPqKvCacheStorage.Create(context, codebooks, layer, options);
    }

    /// <summary>The device, and the stream that window writes and decodes use.</summary>
    public GpuContext Context { get; }

    /// <summary>The codebooks the codes refer to.</summary>
    public PqCodebooks Codebooks { get; }

    /// <summary>The layer whose codebooks this cache uses.</summary>
    public int Layer { get; }

    /// <summary>Sequences, B.</summary>
    public int BatchSize { get; }

    /// <summary>Tokens each sequence can hold.</summary>
    public int Capacity { get; }

    /// <summary>W, the window's size in tokens.</summary>
    public int WindowTokens { get; }

    /// <summary>The window's 16-bit type; inputs and queries must have it.</summary>
    public DType DType { get; }

    /// <summary>Key/value heads.</summary>
    public int KvHeads => Codebooks.KvHeads;

    /// <summary>Elements per head vector.</summary>
    public int HeadDim => Codebooks.HeadDim;

    /// <summary>M, code bytes per token and head, for K and for V each.</summary>
    public int Subspaces => Codebooks.Subspaces;

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Storage.KeyCodes.IsDisposed;

    /// <summary>
    /// The cache as <see cref="GpuPqDecode"/> reads it, with <see cref="GpuPqCacheView.MaxCoded"/> for the
    /// current lengths. The buffers belong to the cache: read them (after <see cref="SynchronizeEncoding"/>
    /// for the codes), never write them, and do not use them after <see cref="Dispose"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The cache is disposed.</exception>
    public GpuPqCacheView View
    {
        get
        {
            ThrowIfDisposed();
            return _view ??= new GpuPqCacheView(
                Storage.KeyCodes, Storage.ValueCodes, Capacity, Subspaces, Storage.KeyCentroids, Storage.ValueCentroids, Storage.SharedCodebook,
                new DeviceTensor(Storage.KeyWindow, DType, WindowLayout), new DeviceTensor(Storage.ValueWindow, DType, WindowLayout),
                Storage.CodedLengths, Storage.WindowLengths, MaxCodedLength());
        }
    }

    internal GpuPqKvCacheStorage Storage { get; }

    internal TensorLayout WindowLayout { get; }

    /// <summary>Tokens of sequence <paramref name="sequence"/> (host mirror of the device lengths).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sequence is out of range.</exception>
    public int Length(int sequence) => _lengths.Of(sequence);

    /// <summary>Coded tokens of sequence <paramref name="sequence"/> (its oldest).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sequence is out of range.</exception>
    public int CodedLength(int sequence) => PqKvCache.CodedTokens(Length(sequence), WindowTokens);

    /// <summary>Window tokens of sequence <paramref name="sequence"/> (its newest).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sequence is out of range.</exception>
    public int WindowLength(int sequence) => Length(sequence) - CodedLength(sequence);

    /// <summary>
    /// Appends a prompt of P ≥ 0 tokens to one sequence (P = 0 changes nothing), as
    /// <see cref="PqKvCache.AppendPrompt"/> does: the tokens that become coded (the current window's rows
    /// first, when it flushes) are encoded on <paramref name="encodeStream"/> straight from the inputs, the
    /// rest is copied into the window on the context's stream. See the remarks for how long the inputs must live.
    /// </summary>
    /// <param name="sequence">0 to B − 1.</param>
    /// <param name="keys">[1, kv_heads, P, head_dim] of <see cref="DType"/>, head_dim contiguous, any other strides.</param>
    /// <param name="values">As <paramref name="keys"/>.</param>
    /// <param name="encodeStream">The stream encoding runs on; null for the context's stream.</param>
    /// <exception cref="ArgumentException">A shape, the dtype, a stride or the extent is wrong, or the stream belongs to another device.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The sequence is out of range.</exception>
    /// <exception cref="KvCacheCapacityException">The sequence would pass its capacity; nothing changed.</exception>
    /// <exception cref="ObjectDisposedException">The cache, a buffer or the stream is disposed.</exception>
    /// <exception cref="CudaException">A launch failed.</exception>
    public void AppendPrompt(int sequence, DeviceTensor keys, DeviceTensor values, GpuStream? encodeStream = null)
    {
        ThrowIfDisposed();
        KvCacheInput.CheckSequence(sequence, BatchSize);
        int tokens = GpuPqKvCacheInput.CheckPrompt(this, keys, values);
        GpuPqKvCacheInput.CheckStream(this, encodeStream, nameof(encodeStream));
        _lengths.RequireRoom(sequence, tokens);
        if (tokens == 0)
        {
            return;
        }

        int length = _lengths[sequence];
        int coded = PqKvCache.CodedTokens(length, WindowTokens);
        int windowed = length - coded;
        int newLength = length + tokens;
        int newCoded = PqKvCache.CodedTokens(newLength, WindowTokens);
        int encodedFromPrompt = newCoded == coded ? 0 : newCoded - coded - windowed;
        if (newCoded > coded)
        {
            GpuStream encoder = encodeStream ?? Context.Stream;
            if (windowed > 0)
            {
                // The window's rows are encoded from staging, so the window can take the prompt's tail
                // on the context's stream without waiting for the encoder.
                WaitUntilStagingIsFree();
                GpuPqKvCacheLaunches.CopyWindowToStaging(this, sequence);
            }

            StartEncoding(encoder);
            if (windowed > 0)
            {
                var stagedRows = TensorLayout.Bhsd(1, KvHeads, windowed, HeadDim);
                long slab = (long)sequence * KvHeads * WindowTokens * HeadDim;
                var stagedStrides = new TensorLayout(stagedRows.Lengths, WindowLayout.Strides);
                GpuPqKvCacheLaunches.EncodeRows(this, encoder, new DeviceTensor(Storage.KeyStaging, DType, stagedStrides, slab), keys: true, sequence, coded);
                GpuPqKvCacheLaunches.EncodeRows(this, encoder, new DeviceTensor(Storage.ValueStaging, DType, stagedStrides, slab), keys: false, sequence, coded);
                ReleaseStagingAfter(encoder);
            }

            if (encodedFromPrompt > 0)
            {
                GpuPqKvCacheLaunches.EncodeRows(this, encoder, Rows(keys, 0, encodedFromPrompt), keys: true, sequence, coded + windowed);
                GpuPqKvCacheLaunches.EncodeRows(this, encoder, Rows(values, 0, encodedFromPrompt), keys: false, sequence, coded + windowed);
            }

            FinishEncoding(encoder);
        }

        int windowRows = tokens - encodedFromPrompt;
        int firstRow = newCoded > coded ? 0 : windowed;
        GpuPqKvCacheLaunches.WriteWindow(
            this, sequence, Rows(keys, encodedFromPrompt, windowRows), Rows(values, encodedFromPrompt, windowRows), windowRows, firstRow, newCoded, newLength - newCoded);
        SetLength(sequence, newLength);
    }

    /// <summary>
    /// Appends one token to every sequence, as <see cref="PqKvCache.AppendStep"/> does: a sequence whose
    /// window is full flushes (its W window rows are encoded on <paramref name="encodeStream"/> from a
    /// staging copy) and the token becomes window row 0. Where each token goes is read from the device
    /// lengths, which the step updates on the device; the host only tracks them.
    /// </summary>
    /// <param name="keys">[B, kv_heads, 1, head_dim] of <see cref="DType"/>, head_dim contiguous, any other strides.</param>
    /// <param name="values">As <paramref name="keys"/>.</param>
    /// <param name="encodeStream">The stream a flush encodes on; null for the context's stream.</param>
    /// <exception cref="ArgumentException">A shape, the dtype, a stride or the extent is wrong, or the stream belongs to another device.</exception>
    /// <exception cref="KvCacheCapacityException">A sequence is full; nothing changed.</exception>
    /// <exception cref="ObjectDisposedException">The cache, a buffer or the stream is disposed.</exception>
    /// <exception cref="CudaException">A launch failed.</exception>
    public void AppendStep(DeviceTensor keys, DeviceTensor values, GpuStream? encodeStream = null)
    {
        ThrowIfDisposed();
        GpuPqKvCacheInput.CheckStep(this, keys, values);
        GpuPqKvCacheInput.CheckStream(this, encodeStream, nameof(encodeStream));
        _lengths.RequireRoomForStep();

        bool flushes = false;
        for (int sequence = 0; sequence < BatchSize && !flushes; sequence++)
        {
            flushes = _lengths[sequence] > 0 && WindowLength(sequence) == WindowTokens;
        }

        // The step rewrites the flush plan (and, on a flush, staging): the last encode must have read them.
        WaitUntilStagingIsFree();
        GpuPqKvCacheLaunches.AppendStep(this, keys, values);
        if (flushes)
        {
            GpuStream encoder = encodeStream ?? Context.Stream;
            StartEncoding(encoder);
            GpuPqKvCacheLaunches.EncodeFlush(this, encoder, keys: true);
            GpuPqKvCacheLaunches.EncodeFlush(this, encoder, keys: false);
            ReleaseStagingAfter(encoder);
            FinishEncoding(encoder);
        }

        for (int sequence = 0; sequence < BatchSize; sequence++)
        {
            SetLength(sequence, _lengths[sequence] + 1);
        }
    }

    /// <summary>
    /// Enqueues one decode step over the cache on the context's stream (<see cref="GpuPqDecode.Run"/>
    /// with <see cref="View"/>), after every encode enqueued so far. No allocation, no host wait.
    /// </summary>
    /// <param name="q">Queries, [B, Hq, 1, head_dim] of <see cref="DType"/>; Hq a multiple of kv_heads.</param>
    /// <param name="output">Written: [B, Hq, 1, head_dim].</param>
    /// <param name="workspace">At least <see cref="WorkspaceSize"/> bytes.</param>
    /// <param name="logSumExp">Optional, written: fp32 [B, Hq], natural log.</param>
    /// <param name="splits">Ranges over the coded tokens, 1 to <see cref="GpuPqDecode.MaxSplits"/>, or 0 to let the library choose.</param>
    /// <param name="softmaxScale">Score scale; null for 1 / sqrt(head_dim).</param>
    /// <exception cref="ArgumentException">A shape, a buffer size or the workspace is wrong.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The cache or a buffer is disposed.</exception>
    /// <exception cref="CudaException">The launch failed.</exception>
    public void Decode(DeviceTensor q, DeviceTensor output, DeviceBuffer workspace, DeviceBuffer? logSumExp = null, int splits = 0, float? softmaxScale = null)
    {
        ThrowIfDisposed();
        if (_encodePending)
        {
            Context.Stream.WaitFor(Storage.Encoded);
            _encodePending = false;
        }

        GpuPqDecode.Run(Context, View, q, output, workspace, logSumExp, splits, softmaxScale);
    }

    /// <summary>
    /// The workspace bytes <see cref="Decode"/> needs for these arguments at the current lengths (with
    /// <paramref name="splits"/> = 0 the library's choice, and so the size, can grow with the lengths;
    /// pass a fixed number of splits for a size that holds for every later step).
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Decode"/>.</exception>
    /// <exception cref="ObjectDisposedException">The cache is disposed.</exception>
    public long WorkspaceSize(DeviceTensor q, DeviceTensor output, DeviceBuffer? logSumExp = null, int splits = 0, float? softmaxScale = null) =>
        GpuPqDecode.WorkspaceSize(Context, View, q, output, logSumExp, splits, softmaxScale);

    /// <summary>
    /// Makes work enqueued on <paramref name="stream"/> after the call wait for every encode enqueued so
    /// far (no host wait): from there on, that stream may change or free the inputs of earlier prompts.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The cache or the stream is disposed.</exception>
    /// <exception cref="ArgumentException">The stream belongs to another device.</exception>
    public void WaitForEncoding(GpuStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfDisposed();
        GpuPqKvCacheInput.CheckStream(this, stream, nameof(stream));
        stream.WaitFor(Storage.Encoded);
    }

    /// <summary>Blocks until every encode enqueued so far has finished.</summary>
    /// <exception cref="ObjectDisposedException">The cache is disposed.</exception>
    /// <exception cref="CudaException">An encode failed.</exception>
    public void SynchronizeEncoding()
    {
        ThrowIfDisposed();
        Storage.Encoded.Synchronize();
    }

    /// <summary>Frees the cache's device memory and events. Work already enqueued completes first (CUDA frees synchronise the device).</summary>
    public void Dispose() => Storage.Dispose();

    /// <summary>The rows [first, first + count) of a [1, kv_heads, P, head_dim] input, as a view.</summary>
    private static DeviceTensor Rows(DeviceTensor input, int first, int count)
    {
        ReadOnlySpan<nint> strides = input.Layout.Strides;
        nint[] lengths = [1, input.Layout.Lengths[1], count, input.Layout.Lengths[3]];
        long offset = count == 0 ? input.ElementOffset : input.ElementOffset + ((long)first * strides[2]);
        return new DeviceTensor(input.Buffer, input.DType, new TensorLayout(lengths, strides), offset);
    }

    /// <summary>The encode stream starts after what the context's stream has enqueued, and after the previous encode (so <see cref="GpuPqKvCacheStorage.Encoded"/> always covers every encode).</summary>
    private void StartEncoding(GpuStream encoder)
    {
        if (ReferenceEquals(encoder, Context.Stream))
        {
            // In order with the context's stream already; it must also follow encodes elsewhere.
            if (_encodePending)
            {
                Context.Stream.WaitFor(Storage.Encoded);
                _encodePending = false;
            }

            return;
        }

        Storage.EncodeInputsReady.Record(Context.Stream);
        encoder.WaitFor(Storage.EncodeInputsReady);
        encoder.WaitFor(Storage.Encoded);
    }

    private void ReleaseStagingAfter(GpuStream encoder)
    {
        Storage.StagingReleased.Record(encoder);
        _encoderReadsStaging |= !ReferenceEquals(encoder, Context.Stream);
    }

    private void FinishEncoding(GpuStream encoder)
    {
        Storage.Encoded.Record(encoder);
        _encodePending |= !ReferenceEquals(encoder, Context.Stream);
    }

    private void WaitUntilStagingIsFree()
    {
        if (_encoderReadsStaging)
        {
            Context.Stream.WaitFor(Storage.StagingReleased);
            _encoderReadsStaging = false;
        }
    }

    private void SetLength(int sequence, int length)
    {
        int previousCoded = PqKvCache.CodedTokens(_lengths[sequence], WindowTokens);
        _lengths[sequence] = length;
        if (_view is not null && PqKvCache.CodedTokens(length, WindowTokens) != previousCoded)
        {
            _view = null;  // MaxCoded may have changed
        }
    }

    private int MaxCodedLength()
    {
        int max = 0;
        for (int sequence = 0; sequence < BatchSize; sequence++)
        {
            max = Math.Max(max, PqKvCache.CodedTokens(_lengths[sequence], WindowTokens));
        }

        return max;
    }

    private void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        Context.ThrowIfDisposed();
    }
}

namespace MInference.Decode;

/// <summary>
/// CPU model of the product-quantized KV cache of one layer: B sequences of up to
/// <see cref="Capacity"/> tokens each, every sequence its own length, all storage allocated at
/// creation. A sequence's oldest tokens are PQ codes (one byte per subspace, for K and for V); its
/// newest, up to W = <see cref="WindowTokens"/>, are kept in 16-bit.
/// </summary>
/// <remarks>
/// <para>
/// <b>Flush rule.</b> When the window holds W tokens and one more arrives, all W are encoded and the
/// window restarts with the new token (MILLION's whole-window flush). A sequence of n ≥ 1 tokens
/// therefore has <see cref="CodedTokens"/>(n, W) = W·⌊(n − 1) / W⌋ coded tokens and n minus that (1 to W)
/// in the window; an empty one has neither. With W = 128: after the 128th token all 128 are in the
/// window, the 129th flushes 128 and leaves 1. A prompt lands exactly as the same tokens appended one at a
/// time would, so a prompt of 256 leaves 128 coded and 128 in the window.
/// </para>
/// <para>
/// <b>Layout</b> (what the GPU cache uses too): codes per (sequence, kv head) as [capacity, M] bytes,
/// token-major, sequences and heads outermost: [B, kv_heads, capacity, M]. A decode step of one GQA
/// group reads tokens [0, coded) of one (sequence, kv head) as one contiguous run, a split of the
/// tokens is a contiguous sub-run, a 16-byte load brings 16 subspaces of one token (the LUT lookups of
/// one score), and an append writes whole M-byte rows without touching other tokens. The window is
/// [B, kv_heads, W, head_dim] 16-bit, the tokens from the last flush on in order.
/// </para>
/// <para>
/// Inputs are rounded to <see cref="DType"/> as they arrive, and the codes are computed from the
/// rounded values (what a GPU encoder reading the 16-bit window sees). An append that would overflow a
/// sequence throws <see cref="KvCacheCapacityException"/> before anything changes.
/// </para>
/// </remarks>
public sealed class PqKvCache
{
    private readonly byte[] _keyCodes;
    private readonly byte[] _valueCodes;
    private readonly ushort[] _keyWindow;
    private readonly ushort[] _valueWindow;
    private readonly KvCacheLengths _lengths;

    /// <summary>Creates an empty cache for layer <paramref name="layer"/> of <paramref name="codebooks"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The layer or an option is out of range.</exception>
    public PqKvCache(PqCodebooks codebooks, int layer, PqKvCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(codebooks);
        PqKvCacheOptions.Validate(options);
        if (layer < 0 || layer >= codebooks.Layers)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer {layer}; expected 0 to {codebooks.Layers - 1} (the codebooks' layers)");
        }

        Codebooks = codebooks;
        Layer = layer;
        BatchSize = options.BatchSize;
        Capacity = options.Capacity;
        WindowTokens = options.WindowTokens;
        DType = options.DType;
        long heads = (long)BatchSize * KvHeads;
        long codeBytes = heads * Capacity * Subspaces;
        long windowElements = heads * WindowTokens * HeadDim;
        if (codeBytes > Array.MaxLength || windowElements > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options,
                $"B·kv_heads·capacity·M = {codeBytes} code bytes and B·kv_heads·W·head_dim = {windowElements} window values; expected each at most {Array.MaxLength} (one .NET array in the CPU model)");
        }

        _keyCodes = new byte[heads * Capacity * Subspaces];
        _valueCodes = new byte[heads * Capacity * Subspaces];
        _keyWindow = new ushort[heads * WindowTokens * HeadDim];
        _valueWindow = new ushort[heads * WindowTokens * HeadDim];
        _lengths = new KvCacheLengths(BatchSize, Capacity);
    }

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

    /// <summary>The window's 16-bit type.</summary>
    public DType DType { get; }

    /// <summary>Key/value heads.</summary>
    public int KvHeads => Codebooks.KvHeads;

    /// <summary>Elements per head vector.</summary>
    public int HeadDim => Codebooks.HeadDim;

    /// <summary>M, code bytes per token and head, for K and for V each.</summary>
    public int Subspaces => Codebooks.Subspaces;

    /// <summary>Coded tokens of a sequence of <paramref name="length"/> tokens under the flush rule: W·⌊(length − 1) / W⌋, 0 for an empty one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative length or a window under 1.</exception>
    public static int CodedTokens(int length, int windowTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowTokens, 1);
        return length == 0 ? 0 : windowTokens * ((length - 1) / windowTokens);
    }

    /// <summary>Tokens of sequence <paramref name="sequence"/>.</summary>
    public int Length(int sequence) => _lengths.Of(sequence);

    /// <summary>Coded tokens of sequence <paramref name="sequence"/> (its oldest).</summary>
    public int CodedLength(int sequence) => CodedTokens(Length(sequence), WindowTokens);

    /// <summary>Window tokens of sequence <paramref name="sequence"/> (its newest).</summary>
    public int WindowLength(int sequence) => Length(sequence) - CodedLength(sequence);

    /// <summary>The key codes of (sequence, kv head): [<see cref="CodedLength"/>, M] bytes.</summary>
    public ReadOnlySpan<byte> KeyCodes(int sequence, int kvHead) => Codes(_keyCodes, sequence, kvHead);

    /// <summary>The value codes of (sequence, kv head): [<see cref="CodedLength"/>, M] bytes.</summary>
    public ReadOnlySpan<byte> ValueCodes(int sequence, int kvHead) => Codes(_valueCodes, sequence, kvHead);

    /// <summary>The window keys of (sequence, kv head): [<see cref="WindowLength"/>, head_dim] 16-bit values of <see cref="DType"/>.</summary>
    public ReadOnlySpan<ushort> KeyWindow(int sequence, int kvHead) => Window(_keyWindow, sequence, kvHead);

    /// <summary>The window values of (sequence, kv head): [<see cref="WindowLength"/>, head_dim] 16-bit values of <see cref="DType"/>.</summary>
    public ReadOnlySpan<ushort> ValueWindow(int sequence, int kvHead) => Window(_valueWindow, sequence, kvHead);

    /// <summary>Appends a prompt of P ≥ 0 tokens to one sequence (P = 0 changes nothing).</summary>
    /// <param name="sequence">0 to B − 1.</param>
    /// <param name="keys">[kv_heads, P, head_dim] finite floats, any strides.</param>
    /// <param name="values">As <paramref name="keys"/>.</param>
    /// <exception cref="ArgumentException">A shape differs or a value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The sequence is out of range.</exception>
    /// <exception cref="KvCacheCapacityException">The sequence would pass its capacity; nothing changed.</exception>
    public void AppendPrompt(int sequence, ReadOnlyHostTensor keys, ReadOnlyHostTensor values)
    {
        KvCacheInput.CheckSequence(sequence, BatchSize);
        int tokens = KvCacheInput.CheckPrompt(keys, values, KvHeads, HeadDim);
        _lengths.RequireRoom(sequence, tokens);
        Append(sequence, tokens, (head, token, keyBits, valueBits) =>
        {
            KvCacheInput.Round(keys, head, token, DType, keyBits);
            KvCacheInput.Round(values, head, token, DType, valueBits);
        });
    }

    /// <summary>Appends one token to every sequence.</summary>
    /// <param name="keys">[B, kv_heads, head_dim] finite floats, any strides.</param>
    /// <param name="values">As <paramref name="keys"/>.</param>
    /// <exception cref="ArgumentException">A shape differs or a value is not finite.</exception>
    /// <exception cref="KvCacheCapacityException">A sequence is full; nothing changed.</exception>
    public void AppendStep(ReadOnlyHostTensor keys, ReadOnlyHostTensor values)
    {
        KvCacheInput.CheckStep(keys, values, BatchSize, KvHeads, HeadDim);
        _lengths.RequireRoomForStep();

        for (int sequence = 0; sequence < BatchSize; sequence++)
        {
            int current = sequence;
            Append(sequence, 1, (head, _, keyBits, valueBits) =>
            {
                KvCacheInput.Round(keys, current, head, DType, keyBits);
                KvCacheInput.Round(values, current, head, DType, valueBits);
            });
        }
    }

    private delegate void TokenSource(int kvHead, int token, Span<ushort> keys, Span<ushort> values);

    /// <summary>Appends validated tokens: the window's tokens and the new ones form one run, whose part up to the new coded length is encoded and the rest becomes the window.</summary>
    private void Append(int sequence, int tokens, TokenSource source)
    {
        int length = _lengths[sequence];
        int coded = CodedTokens(length, WindowTokens);
        int newLength = length + tokens;
        int newCoded = CodedTokens(newLength, WindowTokens);
        int run = newLength - coded;
        var keys = new ushort[run * HeadDim];
        var values = new ushort[run * HeadDim];
        for (int head = 0; head < KvHeads; head++)
        {
            int windowUsed = (length - coded) * HeadDim;
            Window(_keyWindow, sequence, head, length - coded).CopyTo(keys);
            Window(_valueWindow, sequence, head, length - coded).CopyTo(values);
            for (int token = 0; token < tokens; token++)
            {
                int offset = windowUsed + (token * HeadDim);
                source(head, token, keys.AsSpan(offset, HeadDim), values.AsSpan(offset, HeadDim));
            }

            int encoded = newCoded - coded;
            Encode(Codebooks.Keys(Layer, head), keys.AsSpan(0, encoded * HeadDim), CodeRows(_keyCodes, sequence, head, coded, encoded));
            Encode(Codebooks.Values(Layer, head), values.AsSpan(0, encoded * HeadDim), CodeRows(_valueCodes, sequence, head, coded, encoded));
            keys.AsSpan(encoded * HeadDim).CopyTo(WindowSlots(_keyWindow, sequence, head));
            values.AsSpan(encoded * HeadDim).CopyTo(WindowSlots(_valueWindow, sequence, head));
        }

        _lengths[sequence] = newLength;
    }

    private void Encode(PqCodebook codebook, ReadOnlySpan<ushort> bits, Span<byte> codes)
    {
        var vectors = new float[bits.Length];
        HalfPrecision.Decode(bits, vectors, DType);
        PqEncoder.Encode(codebook, vectors, codes);
    }

    private ReadOnlySpan<byte> Codes(byte[] codes, int sequence, int kvHead) =>
        CodeRows(codes, sequence, CheckedHead(kvHead), 0, CodedLength(sequence));

    private ReadOnlySpan<ushort> Window(ushort[] window, int sequence, int kvHead) =>
        Window(window, sequence, CheckedHead(kvHead), WindowLength(sequence));

    private Span<byte> CodeRows(byte[] codes, int sequence, int kvHead, int firstToken, int count) =>
        codes.AsSpan((int)(((((long)sequence * KvHeads) + kvHead) * Capacity) + firstToken) * Subspaces, count * Subspaces);

    private Span<ushort> Window(ushort[] window, int sequence, int kvHead, int count) =>
        WindowSlots(window, sequence, kvHead)[..(count * HeadDim)];

    private Span<ushort> WindowSlots(ushort[] window, int sequence, int kvHead) =>
        window.AsSpan((((sequence * KvHeads) + kvHead) * WindowTokens) * HeadDim, WindowTokens * HeadDim);

    private int CheckedHead(int kvHead)
    {
        if (kvHead < 0 || kvHead >= KvHeads)
        {
            throw new ArgumentOutOfRangeException(nameof(kvHead), kvHead, $"kv head {kvHead}; expected 0 to {KvHeads - 1}");
        }

        return kvHead;
    }
}

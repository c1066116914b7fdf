namespace MInference.Decode;

/// <summary>
/// CPU model of the dense 16-bit KV cache that dense decode reads: B sequences of up to
/// <see cref="Capacity"/> tokens, each its own length, K and V as [B, kv_heads, capacity, head_dim]
/// values of <see cref="DType"/>, allocated at creation. The exact baseline the PQ cache is measured
/// against; appends take the same inputs as <see cref="PqKvCache"/>'s.
/// </summary>
public sealed class DenseKvCache
{
    private readonly ushort[] _keys;
    private readonly ushort[] _values;
    private readonly KvCacheLengths _lengths;

    /// <summary>Creates an empty cache.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is under 1, the storage would not fit one .NET array, or the dtype is not 16-bit.</exception>
    public DenseKvCache(int batchSize, int kvHeads, int headDim, int capacity, DType dtype)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kvHeads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(headDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        KvCacheInput.CheckDType(dtype, nameof(dtype));
        long elements = (long)batchSize * kvHeads * capacity * headDim;
        if (elements > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"B·kv_heads·capacity·head_dim = {elements}; expected at most {Array.MaxLength} (one .NET array)");
        }

        BatchSize = batchSize;
        KvHeads = kvHeads;
        HeadDim = headDim;
        Capacity = capacity;
        DType = dtype;
        _keys = new ushort[elements];
        _values = new ushort[elements];
        _lengths = new KvCacheLengths(batchSize, Capacity);
    }

    /// <summary>Sequences, B.</summary>
    public int BatchSize { get; }

    /// <summary>Key/value heads.</summary>
    public int KvHeads { get; }

    /// <summary>Elements per head vector.</summary>
    public int HeadDim { get; }

    /// <summary>Tokens each sequence can hold.</summary>
    public int Capacity { get; }

    /// <summary>The 16-bit type of the values.</summary>
    public DType DType { get; }

    /// <summary>Tokens of sequence <paramref name="sequence"/>.</summary>
    public int Length(int sequence) => _lengths.Of(sequence);

    /// <summary>The keys of (sequence, kv head): [<see cref="Length"/>, head_dim] values of <see cref="DType"/>.</summary>
    public ReadOnlySpan<ushort> Keys(int sequence, int kvHead) => Rows(_keys, sequence, CheckedHead(kvHead), Length(sequence));

    /// <summary>The values of (sequence, kv head): [<see cref="Length"/>, head_dim] values of <see cref="DType"/>.</summary>
    public ReadOnlySpan<ushort> Values(int sequence, int kvHead) => Rows(_values, sequence, CheckedHead(kvHead), Length(sequence));

    /// <summary>Appends a prompt of P ≥ 0 tokens to one sequence; see <see cref="PqKvCache.AppendPrompt"/>.</summary>
    /// <exception cref="ArgumentException">A shape differs or a value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The sequence is out of range.</exception>
    /// <exception cref="KvCacheCapacityException">The sequence would pass its capacity; nothing changed.</exception>
    public void AppendPrompt(int sequence, ReadOnlyHostTensor keys, ReadOnlyHostTensor values)
    {
        KvCacheInput.CheckSequence(sequence, BatchSize);
        int tokens = KvCacheInput.CheckPrompt(keys, values, KvHeads, HeadDim);
        _lengths.RequireRoom(sequence, tokens);
        int length = _lengths[sequence];
        for (int head = 0; head < KvHeads; head++)
        {
            Span<ushort> keyRows = Rows(_keys, sequence, head, length + tokens);
            Span<ushort> valueRows = Rows(_values, sequence, head, length + tokens);
            for (int token = 0; token < tokens; token++)
            {
                KvCacheInput.Round(keys, head, token, DType, keyRows.Slice((length + token) * HeadDim, HeadDim));
                KvCacheInput.Round(values, head, token, DType, valueRows.Slice((length + token) * HeadDim, HeadDim));
            }
        }

        _lengths[sequence] = length + tokens;
    }

    /// <summary>Appends one token to every sequence; see <see cref="PqKvCache.AppendStep"/>.</summary>
    /// <exception cref="ArgumentException">A shape differs or a value is not finite.</exception>
    /// <exception cref="KvCacheCapacityException">A sequence is full; nothing changed.</exception>
    public void AppendStep(ReadOnlyHostTensor keys, ReadOnlyHostTensor values)
    {
        KvCacheInput.CheckStep(keys, values, BatchSize, KvHeads, HeadDim);
        _lengths.RequireRoomForStep();

        for (int sequence = 0; sequence < BatchSize; sequence++)
        {
            int length = _lengths[sequence];
            for (int head = 0; head < KvHeads; head++)
            {
                KvCacheInput.Round(keys, sequence, head, DType, Rows(_keys, sequence, head, length + 1)[(length * HeadDim)..]);
                KvCacheInput.Round(values, sequence, head, DType, Rows(_values, sequence, head, length + 1)[(length * HeadDim)..]);
            }

            _lengths[sequence] = length + 1;
        }
    }

    private Span<ushort> Rows(ushort[] storage, int sequence, int kvHead, int tokens) =>
        storage.AsSpan((int)((((long)sequence * KvHeads) + kvHead) * Capacity * HeadDim), tokens * HeadDim);

    private int CheckedHead(int kvHead)
    {
        if (kvHead < 0 || kvHead >= KvHeads)
        {
            throw new ArgumentOutOfRangeException(nameof(kvHead), kvHead, $"kv head {kvHead}; expected 0 to {KvHeads - 1}");
        }

        return kvHead;
    }
}

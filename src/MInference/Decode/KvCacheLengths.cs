namespace MInference.Decode;

/// <summary>
/// The per-sequence token counts of a KV cache model (<see cref="DenseKvCache"/>, <see cref="PqKvCache"/>)
/// and their capacity rule: an append that would pass the capacity throws before anything changes.
/// </summary>
internal sealed class KvCacheLengths(int batchSize, int capacity)
{
    private readonly int[] _lengths = new int[batchSize];

    /// <summary>Tokens of a sequence (unchecked index: the caches check it first).</summary>
    public int this[int sequence]
    {
        get => _lengths[sequence];
        set => _lengths[sequence] = value;
    }

    /// <summary>Tokens of <paramref name="sequence"/>, checked against the batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sequence is out of range.</exception>
    public int Of(int sequence)
    {
        KvCacheInput.CheckSequence(sequence, _lengths.Length);
        return _lengths[sequence];
    }

    /// <exception cref="KvCacheCapacityException"><paramref name="sequence"/> has no room for <paramref name="tokens"/> more.</exception>
    public void RequireRoom(int sequence, int tokens)
    {
        if ((long)_lengths[sequence] + tokens > capacity)
        {
            throw new KvCacheCapacityException(sequence, _lengths[sequence], tokens, capacity);
        }
    }

    /// <exception cref="KvCacheCapacityException">A sequence is full (the first one, in order).</exception>
    public void RequireRoomForStep()
    {
        for (int sequence = 0; sequence < _lengths.Length; sequence++)
        {
            RequireRoom(sequence, 1);
        }
    }
}

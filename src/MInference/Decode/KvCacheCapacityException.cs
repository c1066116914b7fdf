namespace MInference.Decode;

/// <summary>An append would take a sequence of a KV cache past its capacity; the cache is unchanged.</summary>
public sealed class KvCacheCapacityException : InvalidOperationException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public KvCacheCapacityException()
        : base("the KV cache is full")
    {
    }

    /// <summary>Creates the exception with a complete message.</summary>
    /// <param name="message">What was appended and what the capacity is.</param>
    public KvCacheCapacityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a complete message and the exception that revealed the problem.</summary>
    /// <param name="message">What was appended and what the capacity is.</param>
    /// <param name="innerException">The exception that revealed the problem.</param>
    public KvCacheCapacityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one sequence.</summary>
    /// <param name="sequence">The sequence that would overflow.</param>
    /// <param name="length">Its tokens before the append.</param>
    /// <param name="appended">Tokens the append brings.</param>
    /// <param name="capacity">Tokens a sequence can hold.</param>
    public KvCacheCapacityException(int sequence, int length, int appended, int capacity)
        : base($"sequence {sequence} holds {length} tokens and the append brings {appended}: {(long)length + appended} > capacity {capacity}; the cache is unchanged")
    {
        Sequence = sequence;
        Length = length;
        Appended = appended;
        Capacity = capacity;
    }

    /// <summary>The sequence that would overflow.</summary>
    public int Sequence { get; }

    /// <summary>Its tokens before the append.</summary>
    public int Length { get; }

    /// <summary>Tokens the append brings.</summary>
    public int Appended { get; }

    /// <summary>Tokens a sequence can hold.</summary>
    public int Capacity { get; }
}

namespace MInference.Decode;

/// <summary>Size and element type of a <see cref="PqKvCache"/>, fixed at creation.</summary>
public sealed record PqKvCacheOptions
{
    /// <summary>The default <see cref="WindowTokens"/>, MILLION's recent window.</summary>
    public const int DefaultWindowTokens = 128;

    /// <summary>Sequences in the batch, B ≥ 1.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Tokens each sequence can hold, coded and window together, ≥ 1.</summary>
    public int Capacity { get; init; } = 4096;

    /// <summary>W, the most recent tokens kept in 16-bit before they are encoded, ≥ 1.</summary>
    public int WindowTokens { get; init; } = DefaultWindowTokens;

    /// <summary>The 16-bit type of the window: Float16 or BFloat16.</summary>
    public DType DType { get; init; } = DType.BFloat16;

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    internal static void Validate(PqKvCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSize < 1 || options.Capacity < 1 || options.WindowTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options,
                $"options.BatchSize = {options.BatchSize}, Capacity = {options.Capacity}, WindowTokens = {options.WindowTokens}; expected each at least 1");
        }

        KvCacheInput.CheckDType(options.DType, nameof(options));
    }
}

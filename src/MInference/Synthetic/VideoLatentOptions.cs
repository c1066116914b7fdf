namespace MInference.Synthetic;

/// <summary>The shape of a <see cref="VideoLatentData"/>: a DiT's video latent of frames × height × width tokens, its heads and the seed.</summary>
/// <param name="Frames">Latent frames (time).</param>
/// <param name="Height">Latent rows per frame.</param>
/// <param name="Width">Latent columns per row.</param>
/// <param name="BatchSize">B.</param>
/// <param name="Heads">H (q, k and v share the heads, as in a DiT's self-attention).</param>
/// <param name="HeadDim">D, even.</param>
/// <param name="Seed">The seed every random draw derives from.</param>
public sealed record VideoLatentOptions(int Frames, int Height, int Width, int BatchSize, int Heads, int HeadDim, int Seed)
{
    /// <summary>Tokens: frames · height · width, frame-major then row-major.</summary>
    public long SequenceLength => (long)Frames * Height * Width;

    /// <summary>Throws when a size is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, D is odd, or B · H · N · D reaches 2^31.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Frames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HeadDim);
        if (HeadDim % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(HeadDim), HeadDim, "the head dimension must be even (cosine and sine pairs)");
        }

        if ((double)BatchSize * Heads * SequenceLength * HeadDim >= int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(Frames), SequenceLength, "B · H · N · D must stay below 2^31");
        }
    }
}

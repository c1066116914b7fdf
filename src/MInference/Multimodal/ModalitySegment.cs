namespace MInference.Multimodal;

/// <summary>A run of consecutive prompt tokens of one modality.</summary>
/// <param name="Modality">Text or video.</param>
/// <param name="Start">First token, ≥ 0.</param>
/// <param name="Length">Tokens, ≥ 1; a video segment holds exactly its geometry's tokens.</param>
/// <param name="Video">The frames and patches of a video segment; null for text.</param>
public sealed record ModalitySegment(Modality Modality, int Start, int Length, VideoGeometry? Video = null)
{
    /// <summary>One past the last token.</summary>
    public int End => Start + Length;

    /// <summary>A text segment.</summary>
    public static ModalitySegment Text(int start, int length) => new(Modality.Text, start, length);

    /// <summary>A video segment of <paramref name="geometry"/>'s tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is under 1 or the segment would pass int.MaxValue tokens.</exception>
    public static ModalitySegment OfVideo(int start, VideoGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        geometry.Validate(nameof(geometry));
        if (geometry.Tokens > int.MaxValue - (long)Math.Max(start, 0))
        {
            throw new ArgumentOutOfRangeException(nameof(geometry), geometry.Tokens, $"a video of {geometry.Tokens} tokens at {start}; expected the prompt to stay under 2^31 tokens");
        }

        return new(Modality.Video, start, (int)geometry.Tokens, geometry);
    }
}

namespace MInference.Multimodal;

/// <summary>
/// The modality of every token of a prompt, as consecutive segments that tile [0, N): what a
/// vision-language model knows about its own prompt (where each image or video starts, its frames
/// and patch grid). Grid heads take their candidate strides from it; boundary heads group rows and
/// columns by it.
/// </summary>
public sealed class ModalityMap
{
    private readonly ModalitySegment[] _segments;
    private readonly int[] _starts;

    /// <summary>Checks and keeps the segments.</summary>
    /// <param name="segments">Non-empty, in order, each starting where the previous one ends, the first at 0; video segments carry a geometry whose token count is their length, text segments none.</param>
    /// <exception cref="ArgumentException">The segments do not tile [0, N) or a segment is malformed; the message names the segment.</exception>
    public ModalityMap(IReadOnlyList<ModalitySegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count == 0)
        {
            throw new ArgumentException("no segments; expected at least one", nameof(segments));
        }

        int expectedStart = 0;
        for (int i = 0; i < segments.Count; i++)
        {
            ModalitySegment segment = segments[i] ?? throw new ArgumentException($"segments[{i}] is null", nameof(segments));
            if (segment.Start != expectedStart || segment.Length < 1 || (long)segment.Start + segment.Length > int.MaxValue)
            {
                throw new ArgumentException(
                    $"segments[{i}] covers [{segment.Start}, {(long)segment.Start + segment.Length}); expected a non-empty segment starting at {expectedStart} (segments tile the prompt in order)", nameof(segments));
            }

            switch (segment.Modality)
            {
                case Modality.Text when segment.Video is not null:
                    throw new ArgumentException($"segments[{i}] is text with a video geometry; expected none", nameof(segments));
                case Modality.Video when segment.Video is null || segment.Video.Tokens != segment.Length:
                    throw new ArgumentException(
                        $"segments[{i}] is video of {segment.Length} tokens with geometry {segment.Video?.ToString() ?? "null"}; expected a geometry of exactly its tokens", nameof(segments));
                case Modality.Text or Modality.Video:
                    break;
                default:
                    throw new ArgumentException($"segments[{i}] has modality {(int)segment.Modality}; expected text or video", nameof(segments));
            }

            segment.Video?.Validate(nameof(segments));
            expectedStart = segment.End;
        }

        _segments = [.. segments];
        _starts = [.. _segments.Select(segment => segment.Start)];
        SequenceLength = expectedStart;
    }

    /// <summary>N, the tokens the segments cover.</summary>
    public int SequenceLength { get; }

    /// <summary>The segments, in order.</summary>
    public IReadOnlyList<ModalitySegment> Segments => _segments;

    /// <summary>Whether any token is video.</summary>
    public bool HasVideo => _segments.Any(segment => segment.Modality == Modality.Video);

    /// <summary>A prompt of N text tokens.</summary>
    public static ModalityMap AllText(int sequenceLength) => new([ModalitySegment.Text(0, sequenceLength)]);

    /// <summary>The segment holding <paramref name="position"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The position is outside [0, N).</exception>
    public ModalitySegment SegmentAt(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, SequenceLength);
        int index = Array.BinarySearch(_starts, position);
        return _segments[index >= 0 ? index : ~index - 1];
    }

    /// <summary>The modality of <paramref name="position"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The position is outside [0, N).</exception>
    public Modality ModalityAt(int position) => SegmentAt(position).Modality;

    /// <summary>
    /// The grid strides the videos suggest, ascending and distinct: each video's tokens per frame
    /// (temporal lines) and patches per row (spatial lines), where the stride is at least 2.
    /// </summary>
    public IReadOnlyList<int> VideoStrides() =>
        [.. _segments.Where(segment => segment.Video is not null)
            .SelectMany(segment => (int[])[segment.Video!.TokensPerFrame, segment.Video.Width])
            .Where(stride => stride >= 2)
            .Distinct()
            .Order()];
}

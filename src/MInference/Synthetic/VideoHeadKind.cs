namespace MInference.Synthetic;

/// <summary>The attention structure a query head of <see cref="VideoAttentionData"/> is given.</summary>
public enum VideoHeadKind
{
    /// <summary>
    /// A grid head: diagonal lines at offsets that are multiples of the stride (the same patch in
    /// earlier frames, nearer frames stronger), vertical lines at keys ≡ phase (mod stride), and the
    /// attention sinks.
    /// </summary>
    Grid = 0,

    /// <summary>A text-style head: attention sinks and a local band (an A-shape head).</summary>
    Text = 1,
}

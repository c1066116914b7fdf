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

    /// <summary>A Q-boundary head: video query rows behave as a grid head, text rows as a text head.</summary>
    QueryBoundary = 2,

    /// <summary>A K-boundary head: every query attends to the text keys as a whole (and to its local band).</summary>
    KeyBoundary = 3,

    /// <summary>
    /// A 2D-boundary head: video rows follow the grid, text rows attend to the text keys and their
    /// local band — each (query modality, key modality) sub-block its own structure.
    /// </summary>
    TwoDBoundary = 4,
}

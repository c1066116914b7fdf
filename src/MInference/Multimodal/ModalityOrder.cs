namespace MInference.Multimodal;

/// <summary>
/// The token order of boundary heads: tokens grouped by modality (text, then video), each group
/// in ascending position — or, for the video group, in grid phase-class order when a grid is given,
/// so that a video × video sub-block's grid lines are bands as in a grid head. Query rows and key
/// columns take the same order; each (query modality, key modality) pair is then one rectangle of
/// slots.
/// </summary>
public static class ModalityOrder
{
    /// <summary>The order, and the slot range each modality's group occupies.</summary>
    /// <param name="modalities">The prompt.</param>
    /// <param name="videoGrid">Stride and phase for the video group (stride ≥ 1, phase in [0, stride)), or null for ascending positions.</param>
    /// <exception cref="ArgumentOutOfRangeException">The grid's stride or phase is out of range.</exception>
    public static (TokenOrder Order, IReadOnlyList<ModalityGroup> Groups) Build(ModalityMap modalities, GridEstimate? videoGrid = null)
    {
        ArgumentNullException.ThrowIfNull(modalities);
        if (videoGrid is not null)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(videoGrid.Stride, 1, nameof(videoGrid));
            ArgumentOutOfRangeException.ThrowIfNegative(videoGrid.Phase, nameof(videoGrid));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(videoGrid.Phase, videoGrid.Stride, nameof(videoGrid));
        }

        int n = modalities.SequenceLength;
        var order = new List<int>(n);
        var groups = new List<ModalityGroup>();
        foreach (Modality modality in (Modality[])[Modality.Text, Modality.Video])
        {
            int start = order.Count;
            IEnumerable<int> positions = modalities.Segments
                .Where(segment => segment.Modality == modality)
                .SelectMany(segment => Enumerable.Range(segment.Start, segment.Length));
            if (modality == Modality.Video && videoGrid is { Stride: > 1 } grid)
            {
                // Phase class first, position second: the grid permutation restricted to video tokens.
                positions = positions.OrderBy(position => ((position - grid.Phase) % grid.Stride + grid.Stride) % grid.Stride).ThenBy(position => position);
            }

            order.AddRange(positions);
            if (order.Count > start)
            {
                groups.Add(new ModalityGroup(modality, start, order.Count - start));
            }
        }

        return (new TokenOrder(order.ToArray()), groups);
    }
}

/// <summary>The slots [Start, Start + Length) one modality's tokens occupy in a <see cref="ModalityOrder"/>.</summary>
/// <param name="Modality">The modality.</param>
/// <param name="Start">First slot.</param>
/// <param name="Length">Slots, ≥ 1.</param>
public sealed record ModalityGroup(Modality Modality, int Start, int Length)
{
    /// <summary>One past the last slot.</summary>
    public int End => Start + Length;
}

using MInference.Interop;

namespace MInference.Multimodal;

/// <summary>
/// What <c>mi_boundary_order</c> reads of a prompt, once per prompt: its video segments as
/// [start, end) pairs, its text token count and the grid search's candidate strides. Shared by
/// <see cref="BoundaryGpu"/> and the prefill plan's boundary group, and the gate both the device and
/// <see cref="BoundaryBlockSelection"/> apply to a head's grid.
/// </summary>
internal sealed class BoundaryOrdering
{
    /// <summary>
    /// A boundary head's video group takes grid order only when the chosen stride's diagonal and
    /// vertical contrasts both exceed this: a head whose video rows are local or text-like (a
    /// K-boundary head) would see its band scattered across phase classes otherwise.
    /// </summary>
    internal const double GridContrast = 1.5;

    private BoundaryOrdering(int[] segments, int[] candidates, long textTokens)
    {
        Segments = segments;
        Candidates = candidates;
        TextTokens = textTokens;
    }

    /// <summary>Video segments, [start, end) pairs, ascending.</summary>
    internal int[] Segments { get; }

    /// <summary>Candidate strides of the grid search (the default search settings).</summary>
    internal int[] Candidates { get; }

    /// <summary>T: the prompt's text tokens.</summary>
    internal long TextTokens { get; }

    /// <summary>The ordering inputs of <paramref name="modalities"/>.</summary>
    /// <exception cref="ArgumentException">The prompt has more video segments than the device order takes.</exception>
    internal static BoundaryOrdering Of(ModalityMap modalities)
    {
        ModalitySegment[] videos = [.. modalities.Segments.Where(segment => segment.Modality == Modality.Video)];
        if (videos.Length > MiNative.BoundaryMaxVideoSegments)
        {
            throw new ArgumentException(
                $"the modality map has {videos.Length} video segments; boundary heads take at most {MiNative.BoundaryMaxVideoSegments} (merge adjacent videos, or give these heads another pattern)",
                nameof(modalities));
        }

        int[] segments = [.. videos.SelectMany(segment => (int[])[segment.Start, segment.End])];
        int[] candidates = videos.Length == 0 ? [] : GridGpu.DeviceCandidates(modalities, new GridEstimationOptions().MaxSearchStride);
        return new BoundaryOrdering(segments, candidates, modalities.SequenceLength - videos.Sum(segment => (long)segment.Length));
    }

    /// <summary>
    /// Whether heads of this kind may put their video group in grid order: Q- and 2D-boundary heads,
    /// whose video rows (sub-block) follow a grid, but not K-boundary heads, whose rows follow the
    /// keys' modality. Measured at 1M tokens: a K-boundary head's faint periodic side lobes passed
    /// the contrast gate, and grid order then scattered its keys (layer error 20 % → 38 %).
    /// </summary>
    internal static bool Grids(BoundaryKind kind) => kind != BoundaryKind.Key;

    /// <summary>The arguments for these heads' order; the caller sets the pointers and pins the host arrays (<see cref="MiNative.BoundaryOrder"/>).</summary>
    internal static MiBoundaryOrderArgs Args(BoundaryKind kind, MiDType dtype, long batch, long qHeads, long kvHeads, long sequenceLength, long headDim) => new()
    {
        DType = dtype,
        Batch = batch,
        QHeads = qHeads,
        KvHeads = kvHeads,
        SeqLen = sequenceLength,
        HeadDim = headDim,
        Grid = Grids(kind) ? 1 : 0,
        Tolerance = (float)new GridEstimationOptions().Tolerance,
        MinContrast = (float)GridContrast,
    };
}

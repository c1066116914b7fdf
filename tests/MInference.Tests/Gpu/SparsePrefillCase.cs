using MInference.Multimodal;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Tests.Gpu;

/// <summary>
/// One <see cref="SparsePrefill"/> GPU test: a mixed layer of 8 query heads over 2 key/value heads
/// (3 vertical-slash, 2 A-shape, 1 block-sparse, 2 dense, interleaved) on structured data.
/// </summary>
public sealed record SparsePrefillCase(DType DType, int HeadDim, int Batch, int SequenceLength, MemoryOrder Order = MemoryOrder.Bhsd)
{
    public const int QueryHeads = 8;
    public const int KvHeads = 2;

    /// <summary>Above this length the CPU reference covers sampled rows only.</summary>
    public const int FullCheckLimit = 1024;

    public static readonly VerticalSlashPattern VerticalSlash = new(VerticalSize: 64, SlashSize: 256);
    public static readonly AShapePattern AShape = new(SinkTokens: 16, LocalWindow: 256);
    public static readonly BlockSparsePattern BlockSparse = new(TopKBlocks: 4);

    /// <summary>Heads 0, 2, 6 vertical-slash; 1, 5 A-shape; 3 block-sparse; 4, 7 dense.</summary>
    public static HeadPattern[] MixedLayer =>
        [VerticalSlash, AShape, VerticalSlash, BlockSparse, new DensePattern(), AShape, VerticalSlash, new DensePattern()];

    /// <summary>Heads 0, 6 grid (4 blocks), 3 grid (8 blocks), 2 vertical-slash, 1 A-shape, 5 block-sparse, 4, 7 dense: MMInference's grid heads beside MInference's patterns.</summary>
    public static HeadPattern[] GridLayer =>
        [new GridPattern(4), AShape, VerticalSlash, new GridPattern(8), new DensePattern(), BlockSparse, new GridPattern(4), new DensePattern()];

    /// <summary>Grid heads 0 and 6, boundary heads 1 (Q), 3 (K) and 5 (2D), vertical-slash 2, dense 4 and 7: a vision-language layer.</summary>
    public static HeadPattern[] VideoLayer =>
        [new GridPattern(4), new BoundaryPattern(BoundaryKind.Query, 3, 3), VerticalSlash, new BoundaryPattern(BoundaryKind.Key, 2, 2), new DensePattern(),
         new BoundaryPattern(BoundaryKind.TwoD, 3, 1), new GridPattern(8), new DensePattern()];

    /// <summary>A prompt of <paramref name="sequenceLength"/> tokens: 40 text tokens, 8 × 8 frames, the rest text.</summary>
    public static ModalityMap VideoPrompt(int sequenceLength)
    {
        int frames = (sequenceLength - 40) / 64;
        var segments = new List<ModalitySegment>
        {
            ModalitySegment.Text(0, 40), ModalitySegment.OfVideo(40, new VideoGeometry(frames, 8, 8)),
        };
        if (40 + (frames * 64) < sequenceLength)
        {
            segments.Add(ModalitySegment.Text(40 + (frames * 64), sequenceLength - 40 - (frames * 64)));
        }

        return new ModalityMap(segments);
    }

    public bool SampleRows => SequenceLength > FullCheckLimit;

    public override string ToString() => $"B{Batch} N{SequenceLength} D{HeadDim} {DType} {Order}";
}

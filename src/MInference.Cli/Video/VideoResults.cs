using System.Text.Json.Serialization;

namespace MInference.Cli.Video;

/// <summary>One pattern run on one head, against dense attention.</summary>
/// <param name="Density">Kept (query, key) pairs over the causal pairs.</param>
/// <param name="Recall">Mean over rows of exp(lse_sparse − lse_dense): the dense softmax mass the kept keys hold.</param>
/// <param name="RelativeL2">‖O − O_dense‖ / ‖O_dense‖ over the head.</param>
internal sealed record VideoPatternResult(double Density, double Recall, double RelativeL2);

/// <summary>One query head of `video`.</summary>
/// <param name="Head">Query head.</param>
/// <param name="Kind">The structure planted in the synthetic data: grid, text, q-boundary, k-boundary or 2d-boundary.</param>
/// <param name="Stride">Grid stride found online (1: none fits the prompt).</param>
/// <param name="Phase">Phase of the vertical lines found.</param>
/// <param name="DiagonalContrast">How strongly attention repeats at the stride's multiples (1: not at all).</param>
/// <param name="VerticalContrast">How strongly the phase class's keys draw attention (1: no more than any key).</param>
/// <param name="Grid">The grid pattern (permutation by phase class, a fixed number of blocks per query block).</param>
/// <param name="Boundary">The 2D-boundary pattern (permutation by modality, per-sub-block budgets).</param>
/// <param name="VerticalSlash">MInference's vertical-slash, sized to about the grid pattern's density.</param>
internal sealed record VideoHeadResult(
    int Head, string Kind, int Stride, int Phase, double DiagonalContrast, double VerticalContrast, VideoPatternResult Grid, VideoPatternResult Boundary,
    VideoPatternResult VerticalSlash);

/// <summary>`video --json`: the prompt, the settings and every head.</summary>
internal sealed record VideoJson(
    string Backend, int SequenceLength, int Frames, int FrameHeight, int FrameWidth, int TextTokens, int Heads, int KvHeads, int HeadDim, int GridBlocks, int BoundaryBlocks, int Seed,
    IReadOnlyList<VideoHeadResult> HeadResults);

/// <summary>Source-generated JSON for `video --json`.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(VideoJson))]
internal sealed partial class VideoJsonContext : JsonSerializerContext;

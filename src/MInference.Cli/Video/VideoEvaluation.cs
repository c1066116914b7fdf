using MInference.Multimodal;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;
using MInference.Synthetic;

namespace MInference.Cli.Video;

/// <summary>
/// `video` on the CPU references: a synthetic vision-language prompt (heads cycling through the grid,
/// text, Q-boundary, K-boundary and 2D-boundary kinds), then
/// per head the grid stride and phase found online and, for the grid pattern, the 2D-boundary
/// pattern and MInference's vertical-slash (sized per head to about the grid pattern's density:
/// the comparison the grid pattern exists for), the density, recall and error against dense attention.
/// </summary>
internal static class VideoEvaluation
{
    /// <summary>The kinds query heads cycle through, and their names in the table and JSON.</summary>
    private static readonly VideoHeadKind[] s_kinds =
        [VideoHeadKind.Grid, VideoHeadKind.Text, VideoHeadKind.QueryBoundary, VideoHeadKind.KeyBoundary, VideoHeadKind.TwoDBoundary];

    /// <summary>The table's stride and phase read the video rows: a Q-boundary head's grid shows only there.</summary>
    private static readonly GridEstimationOptions s_videoRows = new() { QueryModality = Modality.Video };

    private static string NameOf(VideoHeadKind kind) => kind switch
    {
        VideoHeadKind.Grid => "grid",
        VideoHeadKind.Text => "text",
        VideoHeadKind.QueryBoundary => "q-boundary",
        VideoHeadKind.KeyBoundary => "k-boundary",
        _ => "2d-boundary",
    };

    public static (VideoAttentionData Data, PermutedBlockIndex Grid, VideoHeadResult[] Heads) Run(VideoSettings settings, Action<string> report)
    {
        ModalityMap prompt = settings.Prompt();
        VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions
        {
            Modalities = prompt, Heads = settings.Heads, KvHeads = settings.KvHeads, HeadDim = settings.HeadDim, Seed = settings.Seed, NoiseLevel = settings.Noise,
            GridPhase = settings.Seed % (settings.FrameHeight * settings.FrameWidth),
            HeadKinds = [.. Enumerable.Range(0, settings.Heads).Select(head => s_kinds[head % s_kinds.Length])],
        });
        int[] heads = [.. Enumerable.Range(0, settings.Heads)];
        report("dense attention (reference)");
        (float[] dense, float[] denseLse) = Attend(data, index: null, heads);
        report("grid heads: stride and phase, permutation, blocks");
        PermutedBlockIndex grid = GridBlockSelection.Estimate(data.Q, data.K, heads, prompt, new GridPattern(settings.GridBlocks));
        (float[] gridOutput, float[] gridLse) = Attend(data, grid, heads);
        report("2D-boundary heads: modality order, blocks");
        PermutedBlockIndex boundary = BoundaryBlockSelection.Estimate(
            data.Q, data.K, heads, prompt, new BoundaryPattern(BoundaryKind.TwoD, settings.BoundaryBlocks, settings.BoundaryBlocks));
        (float[] boundaryOutput, float[] boundaryLse) = Attend(data, boundary, heads);

        int n = prompt.SequenceLength, dim = settings.HeadDim;
        report("vertical-slash at the grid pattern's density");
        VideoPatternResult[] verticalSlash = [.. heads.Select(head => VerticalSlashAtDensity(data, head, grid.Density(0, head), dense, denseLse))];
        VideoHeadResult[] results = [.. heads.Select(head =>
        {
            GridEstimate estimate = GridEstimation.Estimate(data.Q, data.K, 0, head, prompt, s_videoRows);
            return new VideoHeadResult(
                head, NameOf(data.KindOf(head)), estimate.Stride, estimate.Phase, estimate.DiagonalContrast, estimate.VerticalContrast,
                Compare(grid.Density(0, head), head, gridOutput, gridLse, dense, denseLse, n, dim),
                Compare(boundary.Density(0, head), head, boundaryOutput, boundaryLse, dense, denseLse, n, dim),
                verticalSlash[head]);
        })];
        return (data, grid, results);
    }

    private static (float[] Output, float[] LogSumExp) Attend(VideoAttentionData data, PermutedBlockIndex? index, int[] heads)
    {
        var output = new float[data.Q.Layout.ElementCount];
        var logSumExp = new float[data.Q.Layout.ElementCount / data.Q.Layout.Lengths[3]];
        var target = new HostTensor(output, data.Q.Layout);
        if (index is null)
        {
            SparseAttentionReference.DenseCausal(data.Q, data.K, data.V, heads, target, logSumExp);
        }
        else
        {
            PermutedBlockReference.Run(data.Q, data.K, data.V, index, target, logSumExp);
        }

        return (output, logSumExp);
    }

    /// <summary>
    /// Vertical-slash on one head with as many verticals as slashes, sized so a row keeps about the
    /// share of its causal keys the grid pattern keeps (density × N / 2 keys per row, half each).
    /// </summary>
    private static VideoPatternResult VerticalSlashAtDensity(VideoAttentionData data, int head, double density, float[] dense, float[] denseLse)
    {
        int n = (int)data.Q.Layout.Lengths[2], dim = (int)data.Q.Layout.Lengths[3];
        int size = Math.Clamp((int)Math.Round(density * n / 4), 1, n);
        VerticalSlashEstimate estimate = VerticalSlashEstimation.Estimate(data.Q, data.K, [head], new VerticalSlashPattern(size, size));
        VerticalSlashIndex index = VerticalSlashIndexBuilder.Build(estimate.Selection);
        var output = new float[data.Q.Layout.ElementCount];
        var lse = new float[data.Q.Layout.ElementCount / dim];
        SparseAttentionReference.VerticalSlash(data.Q, data.K, data.V, index, new HostTensor(output, data.Q.Layout), lse);
        double kept = SparseDensity.VerticalSlashEntries(index, 0, 0) / (double)SparseDensity.CausalEntries(n);
        return Compare(kept, head, output, lse, dense, denseLse, n, dim);
    }

    private static VideoPatternResult Compare(double density, int head, float[] output, float[] lse, float[] dense, float[] denseLse, int n, int dim)
    {
        ReadOnlySpan<float> rows = output.AsSpan(head * n * dim, n * dim), denseRows = dense.AsSpan(head * n * dim, n * dim);
        double recall = 0;
        for (int row = 0; row < n; row++)
        {
            recall += Math.Exp(lse[(head * n) + row] - (double)denseLse[(head * n) + row]);
        }

        return new VideoPatternResult(density, recall / n, ErrorStatistics.Compare(rows, denseRows).RelativeL2Error);
    }
}

using MInference.Multimodal;

namespace MInference.Cli.Video;

/// <summary>What `video` generates and runs: the prompt (text, a video, text), the heads and the patterns' budgets.</summary>
internal sealed record VideoSettings(
    int Frames, int FrameHeight, int FrameWidth, int TextTokens, int Heads, int KvHeads, int HeadDim, int GridBlocks, int BoundaryBlocks, double Noise, int Seed)
{
    /// <summary>Text before the video (two thirds: an instruction) and after it (a question).</summary>
    public ModalityMap Prompt()
    {
        int before = TextTokens - (TextTokens / 3), after = TextTokens / 3;
        var segments = new List<ModalitySegment>();
        if (before > 0)
        {
            segments.Add(ModalitySegment.Text(0, before));
        }

        segments.Add(ModalitySegment.OfVideo(before, new VideoGeometry(Frames, FrameHeight, FrameWidth)));
        if (after > 0)
        {
            segments.Add(ModalitySegment.Text(segments[^1].End, after));
        }

        return new ModalityMap(segments);
    }

    /// <summary>Checks what the options' own rules cannot: the combination.</summary>
    /// <exception cref="ArgumentException">A combination is invalid; the message names the options.</exception>
    public void Validate()
    {
        if (Heads % KvHeads != 0)
        {
            throw new ArgumentException($"--heads {Heads} is not a multiple of --kv-heads {KvHeads}");
        }

        if (FrameHeight * FrameWidth < 2)
        {
            throw new ArgumentException($"--frame-height {FrameHeight} × --frame-width {FrameWidth}: a frame needs at least 2 patches to form a grid");
        }

        long tokens = ((long)Frames * FrameHeight * FrameWidth) + TextTokens;
        if (tokens > 65536)
        {
            throw new ArgumentException($"the prompt would hold {tokens} tokens; the CPU references take at most 65536 (fewer --frames or a smaller frame)");
        }

        if (HeadDim % 2 != 0)
        {
            throw new ArgumentException($"--head-dim {HeadDim} must be even");
        }
    }
}

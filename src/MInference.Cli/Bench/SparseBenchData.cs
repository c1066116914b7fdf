using MInference.Multimodal;
using MInference.Synthetic;

namespace MInference.Cli.Bench;

/// <summary>
/// The inputs of `bench sparse`, generated on the host and uploaded once: "random" (N(0, 1)),
/// "video" (grid heads over <see cref="VideoPrompt"/>, <see cref="VideoAttentionData"/> with the
/// planted logits × <see cref="VideoLogitScale"/>) or "structured" (<see cref="StructuredAttentionData"/> shaped like a long-context head: 4 sink tokens,
/// a local band fading over 16K tokens, diagonals at offsets 100, 1000, N/7 and N/3, four vertical
/// keys, noise 0.25, with the head profile <see cref="StructuredProfile"/> that makes the planted
/// structure carry almost all of the attention mass, as in real heads: measured with the CPU
/// references at 1M tokens, Vertical-Slash (1000, 6096) keeps 98.4 % of the dense attention mass
/// (relative L2 error of the output 0.8 %) at a density of 3.2 %. The session-1 preset, a 256-token
/// band at the default weights, left most of the mass on the noise floor at long N (81 % recall at
/// 128K) and made the selection spend its slashes on noise, at a density of 17 % at 1M.
/// Generation runs in parallel, in waves whose host memory stays under half the machine's; every
/// upload is made from the calling thread, which owns the context. Structured data is generated per
/// key/value head with its query heads on one core: 6.5 s at 128K tokens for 4 query heads at
/// head_dim 128 (measured), so about 50 s at 1M, where one such task holds about 4.6 GB; 1M tokens
/// with 32/8 heads take about a minute on a 16-core machine with 64 GB free. One task's queries
/// must fit one .NET array: (heads / kv-heads) · N · head_dim &lt;= 2^31 (16 query heads per
/// key/value head at 1M, head_dim 128). Random data is generated in 4M-element chunks on every core.
/// </summary>
internal static class SparseBenchData
{
    public const string Random = "random";
    public const string Structured = "structured";
    public const string Video = "video";

    public static readonly string[] Kinds = [Random, Structured, Video];

    /// <summary>Video data: frames of 16 × 16 patches (256 tokens, the temporal stride).</summary>
    public const int VideoFrameSide = 16;

    /// <summary>Video data: text tokens before the frames (a system prompt); the rest of N after them.</summary>
    public const int VideoLeadingText = 128;

    /// <summary>
    /// Video data: every planted logit × 1.5 (<see cref="VideoAttentionOptions.LogitScale"/>), so
    /// the grid carries almost all of the attention mass at 1M tokens as in real grid heads; at
    /// scale 1 the noise floor of a million keys holds about a seventh of it.
    /// </summary>
    public const double VideoLogitScale = 1.5;

    /// <summary>
    /// The prompt of video data for N tokens: <see cref="VideoLeadingText"/> text tokens, as many
    /// whole 16 × 16 frames as fit, the remaining tokens text. N must hold the text and two frames.
    /// </summary>
    /// <exception cref="ArgumentException">N is below 640.</exception>
    public static ModalityMap VideoPrompt(int sequenceLength)
    {
        const int frameTokens = VideoFrameSide * VideoFrameSide;
        if (sequenceLength < VideoLeadingText + (2 * frameTokens))
        {
            throw new ArgumentException($"--data {Video} needs --seq >= {VideoLeadingText + (2 * frameTokens)} (text, then at least two 16 x 16 frames); got {sequenceLength}");
        }

        int frames = (sequenceLength - VideoLeadingText) / frameTokens;
        int videoEnd = VideoLeadingText + (frames * frameTokens);
        var segments = new List<ModalitySegment>
        {
            ModalitySegment.Text(0, VideoLeadingText),
            ModalitySegment.OfVideo(VideoLeadingText, new VideoGeometry(frames, VideoFrameSide, VideoFrameSide)),
        };
        if (videoEnd < sequenceLength)
        {
            segments.Add(ModalitySegment.Text(videoEnd, sequenceLength - videoEnd));
        }

        return new ModalityMap(segments);
    }

    /// <summary>Sink, local and vertical logits tripled, diagonals at 1.5×: see the class summary.</summary>
    public static readonly StructuredHeadProfile StructuredProfile = new(Sink: 3, Vertical: 3, Local: 3, Diagonal: 1.5);

    /// <summary>The local band's width in the structured preset.</summary>
    public const int StructuredLocalWindow = 16384;

    private const int RandomChunkElements = 1 << 22;

    /// <summary>Fills q, k and v of <paramref name="buffers"/> with data of the given kind (video: heads of <paramref name="videoHeads"/>' kinds, cycled).</summary>
    public static void Fill(DeviceAttentionBuffers buffers, AttentionProblem problem, string kind, int seed, Action<string> report, IReadOnlyList<VideoHeadKind> videoHeads)
    {
        if (kind == Structured)
        {
            FillStructured(buffers, problem, seed, report);
        }
        else if (kind == Video)
        {
            FillVideo(buffers, problem, seed, report, videoHeads);
        }
        else
        {
            FillRandom(buffers, seed, report);
        }
    }

    private static void FillRandom(DeviceAttentionBuffers buffers, int seed, Action<string> report)
    {
        var chunks = new List<(DeviceTensor Tensor, long Start, int Count)>();
        foreach (DeviceTensor tensor in (DeviceTensor[])[buffers.Q, buffers.K, buffers.V])
        {
            for (long start = 0; start < tensor.Layout.ElementCount; start += RandomChunkElements)
            {
                chunks.Add((tensor, start, (int)Math.Min(RandomChunkElements, tensor.Layout.ElementCount - start)));
            }
        }

        InWaves(chunks.Count, Environment.ProcessorCount, report, "random N(0, 1) inputs", chunk =>
        {
            (DeviceTensor tensor, long start, int count) = chunks[chunk];
            var values = new float[count];
            StandardNormal.Fill(new System.Random(unchecked(seed + (chunk * 7919))), values);
            return [(tensor.Buffer, start * sizeof(ushort), Encode(values, tensor.DType))];
        });
    }

    /// <summary>One generation per key/value head, with the query heads that read it (they share its frequencies).</summary>
    private static void FillStructured(DeviceAttentionBuffers buffers, AttentionProblem problem, int seed, Action<string> report)
    {
        int n = problem.SequenceLength;
        FillPerKvHead(buffers, problem, report, "structured inputs", (kvHead, group) =>
        {
            StructuredAttentionData data = StructuredAttentionData.Generate(new StructuredAttentionOptions
            {
                SequenceLength = n,
                Heads = group,
                KvHeads = 1,
                HeadDim = problem.HeadDim,
                Seed = unchecked(seed + (kvHead * 7919)),
                SinkTokens = 4,
                LocalWindow = StructuredLocalWindow,
                DiagonalOffsets = [.. new[] { 100, 1000, n / 7, n / 3 }.Where(offset => offset < n).Distinct()],
                VerticalPositions = [.. new[] { n / 5, n / 2, 3 * (n / 4), n - 1 - (n / 10) }.Distinct()],
                NoiseLevel = 0.25,
                HeadProfiles = [.. Enumerable.Repeat(StructuredProfile, group)],
            });
            return (data.Q, data.K, data.V);
        });
    }

    /// <summary>Video heads over <see cref="VideoPrompt"/>, one generation per key/value head with its query heads.</summary>
    private static void FillVideo(DeviceAttentionBuffers buffers, AttentionProblem problem, int seed, Action<string> report, IReadOnlyList<VideoHeadKind> videoHeads)
    {
        ModalityMap prompt = VideoPrompt(problem.SequenceLength);
        FillPerKvHead(buffers, problem, report, "video inputs", (kvHead, group) =>
        {
            VideoAttentionData data = VideoAttentionData.Generate(new VideoAttentionOptions
            {
                Modalities = prompt,
                Heads = group,
                KvHeads = 1,
                HeadDim = problem.HeadDim,
                Seed = unchecked(seed + (kvHead * 7919)),
                GridPhase = (kvHead * 37) % (VideoFrameSide * VideoFrameSide),
                LogitScale = VideoLogitScale,
                HeadKinds = [.. Enumerable.Range(kvHead * group, group).Select(head => videoHeads[head % videoHeads.Count])],
            });
            return (data.Q, data.K, data.V);
        });
    }

    /// <summary>
    /// Generates q, k and v of each key/value head with its query heads (the group) through
    /// <paramref name="generate"/> and uploads them, as many heads at once as half the free host memory holds.
    /// </summary>
    private static void FillPerKvHead(
        DeviceAttentionBuffers buffers,
        AttentionProblem problem,
        Action<string> report,
        string what,
        Func<int, int, (ReadOnlyHostTensor Q, ReadOnlyHostTensor K, ReadOnlyHostTensor V)> generate)
    {
        int group = problem.Heads / problem.KvHeads;
        long headElements = (long)problem.SequenceLength * problem.HeadDim;
        long bytesPerKvHead = (group + 2) * headElements * (sizeof(float) + sizeof(ushort));
        long hostBudgetBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
        int parallelism = (int)Math.Clamp(hostBudgetBytes / bytesPerKvHead, 1, Environment.ProcessorCount);
        InWaves(problem.KvHeads, parallelism, report, what, kvHead =>
        {
            (ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v) = generate(kvHead, group);
            long elementSize = sizeof(ushort);
            return
            [
                (buffers.Q.Buffer, kvHead * group * headElements * elementSize, Encode(q.Data.Span, problem.DType)),
                (buffers.K.Buffer, kvHead * headElements * elementSize, Encode(k.Data.Span, problem.DType)),
                (buffers.V.Buffer, kvHead * headElements * elementSize, Encode(v.Data.Span, problem.DType)),
            ];
        });
    }

    /// <summary>
    /// Runs <paramref name="generate"/> for every task, <paramref name="parallelism"/> at a time, and
    /// uploads each wave's results from this thread before the next wave starts.
    /// </summary>
    private static void InWaves(
        int taskCount, int parallelism, Action<string> report, string what, Func<int, (DeviceBuffer Target, long ByteOffset, ushort[] Bits)[]> generate)
    {
        for (int first = 0; first < taskCount; first += parallelism)
        {
            int count = Math.Min(parallelism, taskCount - first);
            report($"generating {what}: {first}/{taskCount}");
            var results = new (DeviceBuffer Target, long ByteOffset, ushort[] Bits)[count][];
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i => results[i] = generate(first + i));
            foreach ((DeviceBuffer target, long byteOffset, ushort[] bits) in results.SelectMany(wave => wave))
            {
                target.CopyFromHost<ushort>(bits, byteOffset);
            }
        }
    }

    private static ushort[] Encode(ReadOnlySpan<float> values, DType dtype)
    {
        var bits = new ushort[values.Length];
        HalfPrecision.Encode(values, bits, dtype);
        return bits;
    }
}

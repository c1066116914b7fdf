namespace MInference.Synthetic;

/// <summary>
/// Deterministic q, k, v of a diffusion transformer's self-attention over a video latent (frames ×
/// height × width tokens, as in Wan2.1): attention with 3D spatio-temporal locality, most of each
/// row's mass on the tokens near it in space and time, the structure sparse-linear attention's block
/// mask is built to find.
/// </summary>
/// <remarks>
/// <para>
/// q = α·e(t, y, x) + g_q and k = α·e(t, y, x) + g_k, v = g_v, with g N(0, 1) content per token and
/// e a random-feature positional embedding shared by q and k: D/2 frequencies ω ~ N(0, diag(1/ℓ_t²,
/// 1/ℓ_s², 1/ℓ_s²)) and e = (cos ω·p, sin ω·p), so that e(p)·e(p') = Σ cos ω·(p − p') ≈ D/2 ·
/// exp(−|Δt|²/2ℓ_t² − (|Δy|² + |Δx|²)/2ℓ_s²), a Gaussian kernel in latent units. α puts
/// <see cref="LocalLogit"/> on a token's own position at the softmax scale 1/√D, against a content
/// logit of standard deviation about 1 everywhere.
/// </para>
/// <para>
/// Heads differ in their reach (<see cref="LengthScales"/>): ℓ_t is 1 frame on even heads and 3 on
/// odd ones (temporal heads), ℓ_s 1.5, 3 or 4.5 latent pixels cycling every two heads. The
/// frequencies of a head are shared by the batch; each (batch, head) draws its content from its own
/// seed, so the result does not depend on threading.
/// </para>
/// </remarks>
public sealed class VideoLatentData
{
    /// <summary>The positional logit of a token against its own position (nearby tokens get less, far ones about 0).</summary>
    public const double LocalLogit = 10;

    private VideoLatentData(VideoLatentOptions options, float[] q, float[] k, float[] v)
    {
        Options = options;
        var layout = TensorLayout.Bhsd(options.BatchSize, options.Heads, (nint)options.SequenceLength, options.HeadDim);
        Q = new ReadOnlyHostTensor(q, layout);
        K = new ReadOnlyHostTensor(k, layout);
        V = new ReadOnlyHostTensor(v, layout);
    }

    /// <summary>The options the data was generated from.</summary>
    public VideoLatentOptions Options { get; }

    /// <summary>Queries, [B, H, N, D] contiguous.</summary>
    public ReadOnlyHostTensor Q { get; }

    /// <summary>Keys, [B, H, N, D] contiguous.</summary>
    public ReadOnlyHostTensor K { get; }

    /// <summary>Values, [B, H, N, D] contiguous.</summary>
    public ReadOnlyHostTensor V { get; }

    /// <summary>The reach of head <paramref name="head"/>'s positional kernel: ℓ_t in frames, ℓ_s in latent pixels.</summary>
    public static (double Time, double Space) LengthScales(int head)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(head);
        return (head % 2 == 0 ? 1 : 3, 1.5 * (1 + (head / 2 % 3)));
    }

    /// <summary>Generates the tensors (in parallel over (batch, head); deterministic).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range (see <see cref="VideoLatentOptions.Validate"/>).</exception>
    public static VideoLatentData Generate(VideoLatentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int n = (int)options.SequenceLength, d = options.HeadDim;
        long headSize = (long)n * d;
        var q = new float[options.BatchSize * options.Heads * headSize];
        var k = new float[q.Length];
        var v = new float[q.Length];
        double amplitude = Math.Sqrt(LocalLogit * Math.Sqrt(d) / (d / 2));
        Parallel.For(0, options.BatchSize * options.Heads, index =>
        {
            int batch = index / options.Heads, head = index % options.Heads;
            float[] embedding = Embedding(options, head);
            var content = new Random(DeterministicSeed.Derive(options.Seed, 1, batch, head));
            Span<float> headQ = q.AsSpan((int)(index * headSize), (int)headSize);
            Span<float> headK = k.AsSpan((int)(index * headSize), (int)headSize);
            StandardNormal.Fill(content, headQ);
            StandardNormal.Fill(content, headK);
            StandardNormal.Fill(content, v.AsSpan((int)(index * headSize), (int)headSize));
            for (int i = 0; i < embedding.Length; i++)
            {
                float position = (float)(amplitude * embedding[i]);
                headQ[i] += position;
                headK[i] += position;
            }
        });
        return new VideoLatentData(options, q, k, v);
    }

    /// <summary>e(t, y, x) of every token of one head, [N, D]: cosine and sine of each of D/2 random frequencies.</summary>
    private static float[] Embedding(VideoLatentOptions options, int head)
    {
        int pairs = options.HeadDim / 2;
        (double time, double space) = LengthScales(head);
        var draws = new float[3 * pairs];
        StandardNormal.Fill(new Random(DeterministicSeed.Derive(options.Seed, 0, 0, head)), draws);
        var embedding = new float[options.SequenceLength * options.HeadDim];
        int token = 0;
        for (int t = 0; t < options.Frames; t++)
        {
            for (int y = 0; y < options.Height; y++)
            {
                for (int x = 0; x < options.Width; x++, token++)
                {
                    for (int j = 0; j < pairs; j++)
                    {
                        double angle = (draws[3 * j] * t / time) + (draws[(3 * j) + 1] * y / space) + (draws[(3 * j) + 2] * x / space);
                        embedding[(token * options.HeadDim) + (2 * j)] = (float)Math.Cos(angle);
                        embedding[(token * options.HeadDim) + (2 * j) + 1] = (float)Math.Sin(angle);
                    }
                }
            }
        }

        return embedding;
    }
}

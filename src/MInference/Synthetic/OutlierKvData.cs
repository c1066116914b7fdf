namespace MInference.Synthetic;

/// <summary>
/// Deterministic q, k, v with the statistics that make KV-cache quantization hard: keys whose
/// channels have different means and scales, a few of them with a large mean (the outlier channels of
/// real LLM keys), rotated by RoPE as captured keys are; values plain N(0, 1). Test data for the PQ cache:
/// "outlier-immunized" is measured on it, not assumed.
/// </summary>
/// <remarks>
/// <para>
/// Per kv head (from <see cref="OutlierKvOptions.ModelSeed"/>): channel c of a key before RoPE is
/// μ_c + s_c · z with z ~ N(0, 1), μ_c ~ N(0, 0.5²), s_c = exp(N(0, 0.5²)) (scales spread over about
/// a factor 3). <see cref="OutlierKvOptions.OutlierChannels"/> channels, drawn among the first halves
/// of the lowest-frequency quarter of the rotary pairs (where real models' outliers sit, so they rotate
/// slowly), get μ_c = ±<see cref="OutlierKvOptions.OutlierMagnitude"/> and twice the scale. Queries of
/// head h are b_h + N(0, 1) with a per head bias b_h ~ N(0, 0.3²), ±0.5 on the outlier channels,
/// so the outliers move the logits as they do in real heads.
/// </para>
/// <para>
/// RoPE in the "rotate half" pairing: channel i pairs with i + head_dim / 2 and both rotate by the angle
/// t · θ^(−2i / head_dim) at position t; queries and keys alike. Tensors are contiguous [B, heads, N, D].
/// </para>
/// </remarks>
public sealed class OutlierKvData
{
    private OutlierKvData(OutlierKvOptions options, float[] q, float[] k, float[] v)
    {
        Options = options;
        Q = new ReadOnlyHostTensor(q, TensorLayout.Bhsd(options.BatchSize, options.Heads, options.SequenceLength, options.HeadDim));
        K = new ReadOnlyHostTensor(k, TensorLayout.Bhsd(options.BatchSize, options.KvHeads, options.SequenceLength, options.HeadDim));
        V = new ReadOnlyHostTensor(v, TensorLayout.Bhsd(options.BatchSize, options.KvHeads, options.SequenceLength, options.HeadDim));
    }

    /// <summary>The options the data was generated from.</summary>
    public OutlierKvOptions Options { get; }

    /// <summary>Queries, [B, Heads, N, D] contiguous, after RoPE.</summary>
    public ReadOnlyHostTensor Q { get; }

    /// <summary>Keys, [B, KvHeads, N, D] contiguous, after RoPE.</summary>
    public ReadOnlyHostTensor K { get; }

    /// <summary>Values, [B, KvHeads, N, D] contiguous.</summary>
    public ReadOnlyHostTensor V { get; }

    /// <summary>The outlier channels of kv head <paramref name="kvHead"/> (before RoPE mixes each with its pair), ascending.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static int[] OutlierChannelsOf(OutlierKvOptions options, int kvHead)
    {
        ArgumentNullException.ThrowIfNull(options);
        return HeadModel.Create(options, kvHead).OutlierChannels;
    }

    /// <summary>Generates the tensors (in parallel over kv heads; deterministic).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public static OutlierKvData Generate(OutlierKvOptions options)
    {
        Validate(options);
        int n = options.SequenceLength;
        int dim = options.HeadDim;
        int headSize = n * dim;
        var q = new float[(long)options.BatchSize * options.Heads * headSize];
        var k = new float[(long)options.BatchSize * options.KvHeads * headSize];
        var v = new float[(long)options.BatchSize * options.KvHeads * headSize];
        int group = options.Heads / options.KvHeads;
        Parallel.For(0, options.BatchSize * options.KvHeads, list =>
        {
            int batch = list / options.KvHeads;
            int kvHead = list % options.KvHeads;
            HeadModel model = HeadModel.Create(options, kvHead);
            Span<float> keys = k.AsSpan(list * headSize, headSize);
            StandardNormal.Fill(new Random(DeterministicSeed.Derive(options.SequenceSeed, 21, batch, kvHead)), keys);
            for (int i = 0; i < keys.Length; i++)
            {
                int c = i % dim;
                keys[i] = model.Means[c] + (model.Scales[c] * keys[i]);
            }

            Rotate(keys, dim, options.RopeBase);
            StandardNormal.Fill(new Random(DeterministicSeed.Derive(options.SequenceSeed, 22, batch, kvHead)), v.AsSpan(list * headSize, headSize));
            for (int head = kvHead * group; head < (kvHead + 1) * group; head++)
            {
                Span<float> queries = q.AsSpan(((batch * options.Heads) + head) * headSize, headSize);
                StandardNormal.Fill(new Random(DeterministicSeed.Derive(options.SequenceSeed, 23, batch, head)), queries);
                float[] bias = model.QueryBias(options, head);
                for (int i = 0; i < queries.Length; i++)
                {
                    queries[i] += bias[i % dim];
                }

                Rotate(queries, dim, options.RopeBase);
            }
        });

        return new OutlierKvData(options, q, k, v);
    }

    /// <summary>Applies RoPE (rotate-half pairing) to [N, dim] rows, row t at position t.</summary>
    private static void Rotate(Span<float> rows, int dim, double ropeBase)
    {
        int half = dim / 2;
        for (int t = 0; t < rows.Length / dim; t++)
        {
            Span<float> row = rows.Slice(t * dim, dim);
            for (int i = 0; i < half; i++)
            {
                double angle = t * Math.Pow(ropeBase, -2.0 * i / dim);
                double cos = Math.Cos(angle), sin = Math.Sin(angle);
                double x = row[i], y = row[i + half];
                row[i] = (float)((x * cos) - (y * sin));
                row[i + half] = (float)((x * sin) + (y * cos));
            }
        }
    }

    private static void Validate(OutlierKvOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Require(options, options.BatchSize >= 1 && options.SequenceLength >= 1 && options.KvHeads >= 1 && options.Heads >= 1,
            $"options.BatchSize = {options.BatchSize}, SequenceLength = {options.SequenceLength}, Heads = {options.Heads}, KvHeads = {options.KvHeads}; expected each at least 1");
        Require(options, options.Heads % options.KvHeads == 0, $"options.Heads = {options.Heads}; expected a multiple of options.KvHeads = {options.KvHeads}");
        Require(options, options.HeadDim >= 8 && options.HeadDim % 2 == 0, $"options.HeadDim = {options.HeadDim}; expected an even head_dim of at least 8");
        Require(options, options.OutlierChannels >= 0 && options.OutlierChannels <= options.HeadDim / 8, $"options.OutlierChannels = {options.OutlierChannels}; expected 0 to head_dim / 8 = {options.HeadDim / 8}");
        Require(options, double.IsFinite(options.OutlierMagnitude) && options.OutlierMagnitude >= 0, $"options.OutlierMagnitude = {options.OutlierMagnitude}; expected a finite value >= 0");
        Require(options, double.IsFinite(options.RopeBase) && options.RopeBase > 1, $"options.RopeBase = {options.RopeBase}; expected a finite value > 1");
        long largest = (long)options.BatchSize * options.Heads * options.SequenceLength * options.HeadDim;
        Require(options, largest <= Array.MaxLength, $"q would hold {largest} floats; expected at most {Array.MaxLength} (one .NET array)");
    }

    private static void Require(OutlierKvOptions options, bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options, message);
        }
    }

    /// <summary>The per kv head "model": channel means and scales and the outlier channels.</summary>
    private sealed class HeadModel
    {
        private HeadModel(float[] means, float[] scales, int[] outlierChannels, int kvHead)
        {
            Means = means;
            Scales = scales;
            OutlierChannels = outlierChannels;
            KvHead = kvHead;
        }

        public float[] Means { get; }

        public float[] Scales { get; }

        public int[] OutlierChannels { get; }

        private int KvHead { get; }

        public static HeadModel Create(OutlierKvOptions options, int kvHead)
        {
            int dim = options.HeadDim;
            var random = new Random(DeterministicSeed.Derive(options.ModelSeed, 20, 0, kvHead));
            var means = new float[dim];
            var scales = new float[dim];
            StandardNormal.Fill(random, means);
            StandardNormal.Fill(random, scales);
            for (int c = 0; c < dim; c++)
            {
                means[c] *= 0.5f;
                scales[c] = MathF.Exp(0.5f * scales[c]);
            }

            // Low-frequency pairs: the last quarter of the pair indices i < dim / 2.
            int[] candidates = Enumerable.Range(dim * 3 / 8, dim / 8).ToArray();
            random.Shuffle(candidates);
            int[] outliers = candidates.Take(options.OutlierChannels).Order().ToArray();
            foreach (int c in outliers)
            {
                means[c] = (float)(options.OutlierMagnitude * (random.Next(2) == 0 ? -1 : 1));
                scales[c] *= 2;
            }

            return new HeadModel(means, scales, outliers, kvHead);
        }

        public float[] QueryBias(OutlierKvOptions options, int head)
        {
            var bias = new float[options.HeadDim];
            StandardNormal.Fill(new Random(DeterministicSeed.Derive(options.ModelSeed, 24, KvHead, head)), bias);
            for (int c = 0; c < bias.Length; c++)
            {
                bias[c] *= 0.3f;
            }

            foreach (int c in OutlierChannels)
            {
                bias[c] = 0.5f * MathF.Sign(Means[c]);
            }

            return bias;
        }
    }
}

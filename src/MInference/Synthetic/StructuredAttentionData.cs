namespace MInference.Synthetic;

/// <summary>
/// Deterministic q, k, v whose causal attention has the structure long-context heads show: attention
/// sinks at the first tokens, a local band, strong diagonals at fixed offsets, a few "vertical" keys
/// every query attends to, and noise at a chosen level. Test data for the sparse patterns: each
/// pattern's estimation should find the planted structure.
/// </summary>
/// <remarks>
/// <para>
/// Tensors are contiguous [B, heads, N, D] floats. head_dim is split into components whose dot
/// products give, at the default scale 1/sqrt(D), about these logits: +5 for a sink key (D/16
/// dimensions, constant in q, set in k only for keys &lt; SinkTokens); +5 for a vertical key (D/16
/// dimensions, likewise); up to +4 for the local band (a quarter of the remaining dimensions as
/// RoPE-style (cos, sin) pairs with frequencies below π / LocalWindow, so q_i · k_j = Σ cos(θ (i − j))
/// fades as i − j grows past about half the window); and +4 on each diagonal (the other pairs, with
/// frequencies spread over (0, π], q rotated back by each offset so q_i · k_j = Σ_o Σ cos(θ (i − j − o))
/// peaks at i − j = o). Away from their peaks the rotating components leave a pseudo-random
/// background whose spread shrinks as 1/sqrt(pairs): under about ±1 logit at head_dim 64 with two
/// diagonals, less at 128. The structure is clearest from head_dim 64 up and with a few diagonals.
/// Noise N(0, NoiseLevel²) is added to every element of q and k; v is N(0, 1). Values are of order 1 to 3.
/// </para>
/// <para>
/// Frequencies are drawn per (batch, key/value head), noise per (batch, head), each from its own seed
/// derived from <see cref="StructuredAttentionOptions.Seed"/>: the result does not depend on threading.
/// </para>
/// </remarks>
public sealed class StructuredAttentionData
{
    private StructuredAttentionData(StructuredAttentionOptions options, float[] q, float[] k, float[] v)
    {
        Options = options;
        Q = new ReadOnlyHostTensor(q, TensorLayout.Bhsd(options.BatchSize, options.Heads, options.SequenceLength, options.HeadDim));
        K = new ReadOnlyHostTensor(k, TensorLayout.Bhsd(options.BatchSize, options.KvHeads, options.SequenceLength, options.HeadDim));
        V = new ReadOnlyHostTensor(v, TensorLayout.Bhsd(options.BatchSize, options.KvHeads, options.SequenceLength, options.HeadDim));
    }

    /// <summary>The options the data was generated from.</summary>
    public StructuredAttentionOptions Options { get; }

    /// <summary>Queries, [B, Heads, N, D] contiguous.</summary>
    public ReadOnlyHostTensor Q { get; }

    /// <summary>Keys, [B, KvHeads, N, D] contiguous.</summary>
    public ReadOnlyHostTensor K { get; }

    /// <summary>Values, [B, KvHeads, N, D] contiguous.</summary>
    public ReadOnlyHostTensor V { get; }

    /// <summary>Generates the tensors (in parallel over heads; deterministic).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size, position or the noise level is out of range; the message names the option.</exception>
    /// <exception cref="ArgumentException">Heads is not a multiple of KvHeads.</exception>
    public static StructuredAttentionData Generate(StructuredAttentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var layout = new StructuredSignalLayout(options.HeadDim);
        int n = options.SequenceLength;
        int dim = options.HeadDim;
        int headSize = n * dim;
        var q = new float[(long)options.BatchSize * options.Heads * headSize];
        var k = new float[(long)options.BatchSize * options.KvHeads * headSize];
        var v = new float[(long)options.BatchSize * options.KvHeads * headSize];
        int group = options.Heads / options.KvHeads;
        var isVertical = new bool[n];
        foreach (int position in options.VerticalPositions)
        {
            isVertical[position] = true;
        }

        Parallel.For(0, options.BatchSize * options.KvHeads, list =>
        {
            int batch = list / options.KvHeads;
            int kvHead = list % options.KvHeads;
            var random = new Random(DeterministicSeed.Derive(options.Seed, 0, batch, kvHead));
            double[] localFrequencies = Frequencies(random, layout.LocalPairs, Math.PI / options.LocalWindow);
            double[] diagonalFrequencies = Frequencies(random, layout.DiagonalPairs, Math.PI);

            Span<float> keys = k.AsSpan(list * headSize, headSize);
            SignalComponents.AddNoise(keys, DeterministicSeed.Derive(options.Seed, 2, batch, kvHead), options.NoiseLevel);
            FillKeys(keys, layout, options, isVertical, localFrequencies, diagonalFrequencies);
            SignalComponents.AddNoise(v.AsSpan(list * headSize, headSize), DeterministicSeed.Derive(options.Seed, 3, batch, kvHead), 1);
            for (int head = kvHead * group; head < (kvHead + 1) * group; head++)
            {
                Span<float> queries = q.AsSpan(((batch * options.Heads) + head) * headSize, headSize);
                SignalComponents.AddNoise(queries, DeterministicSeed.Derive(options.Seed, 1, batch, head), options.NoiseLevel);
                StructuredHeadProfile profile = options.HeadProfiles.Count == 0 ? StructuredHeadProfile.Default : options.HeadProfiles[head];
                FillQueries(queries, layout, options, profile, localFrequencies, diagonalFrequencies);
            }
        });

        return new StructuredAttentionData(options, q, k, v);
    }

    private static void Validate(StructuredAttentionOptions options)
    {
        RequireAtLeast(options, options.BatchSize, 1, nameof(options.BatchSize));
        RequireAtLeast(options, options.SequenceLength, 1, nameof(options.SequenceLength));
        RequireAtLeast(options, options.Heads, 1, nameof(options.Heads));
        RequireAtLeast(options, options.KvHeads, 1, nameof(options.KvHeads));
        RequireAtLeast(options, options.HeadDim, 8, nameof(options.HeadDim));
        RequireAtLeast(options, options.SinkTokens, 0, nameof(options.SinkTokens));
        RequireAtLeast(options, options.LocalWindow, 1, nameof(options.LocalWindow));
        if (options.HeadDim % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.HeadDim, $"options.HeadDim = {options.HeadDim}; expected an even head_dim (rotations use pairs)");
        }

        if (options.Heads % options.KvHeads != 0)
        {
            throw new ArgumentException($"options.Heads = {options.Heads} is not a multiple of options.KvHeads = {options.KvHeads}", nameof(options));
        }

        long largest = (long)options.BatchSize * Math.Max(options.Heads, options.KvHeads) * options.SequenceLength * options.HeadDim;
        if (largest > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(options), largest, $"q would hold {largest} floats; expected at most {Array.MaxLength} (one .NET array)");
        }

        ArgumentNullException.ThrowIfNull(options.DiagonalOffsets, "options.DiagonalOffsets");
        ArgumentNullException.ThrowIfNull(options.VerticalPositions, "options.VerticalPositions");
        foreach (int offset in options.DiagonalOffsets)
        {
            RequireAtLeast(options, offset, 0, nameof(options.DiagonalOffsets));
        }

        foreach (int position in options.VerticalPositions)
        {
            if (position < 0 || position >= options.SequenceLength)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(options), position, $"options.VerticalPositions holds {position}; expected key positions in [0, {options.SequenceLength})");
            }
        }

        ArgumentNullException.ThrowIfNull(options.HeadProfiles, "options.HeadProfiles");
        if (options.HeadProfiles.Count != 0 && options.HeadProfiles.Count != options.Heads)
        {
            throw new ArgumentException(
                $"options.HeadProfiles holds {options.HeadProfiles.Count} profiles; expected none or one per query head ({options.Heads})", nameof(options));
        }

        for (int head = 0; head < options.HeadProfiles.Count; head++)
        {
            if (options.HeadProfiles[head] is null)
            {
                throw new ArgumentException($"options.HeadProfiles[{head}] is null; expected a profile", nameof(options));
            }

            options.HeadProfiles[head].Validate(head, nameof(options));
        }

        if (!double.IsFinite(options.NoiseLevel) || options.NoiseLevel < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.NoiseLevel, $"options.NoiseLevel = {options.NoiseLevel}; expected a finite value >= 0");
        }
    }

    private static void RequireAtLeast(StructuredAttentionOptions options, int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(nameof(options), value, $"options.{name} holds {value}; expected a value >= {minimum}");
        }
    }

    private static double[] Frequencies(Random random, int count, double maximum)
    {
        var frequencies = new double[count];
        for (int i = 0; i < count; i++)
        {
            // 1 - NextDouble() lies in (0, 1]: no zero frequency, which would add a constant.
            frequencies[i] = maximum * (1.0 - random.NextDouble());
        }

        return frequencies;
    }

    private static void FillKeys(
        Span<float> keys, StructuredSignalLayout layout, StructuredAttentionOptions options, bool[] isVertical, double[] localFrequencies, double[] diagonalFrequencies)
    {
        int dim = options.HeadDim;
        for (int key = 0; key < options.SequenceLength; key++)
        {
            Span<float> row = keys.Slice(key * dim, dim);
            if (key < options.SinkTokens)
            {
                SignalComponents.AddConstant(row[..layout.SinkDims], layout.SinkAmplitude);
            }

            if (isVertical[key])
            {
                SignalComponents.AddConstant(row.Slice(layout.SinkDims, layout.VerticalDims), layout.VerticalAmplitude);
            }

            SignalComponents.AddRotation(row[layout.LocalStart..], localFrequencies, key, layout.LocalAmplitude);
            SignalComponents.AddRotation(row[layout.DiagonalStart..], diagonalFrequencies, key, layout.DiagonalAmplitude);
        }
    }

    /// <summary>Keys carry each component at its amplitude; a query's amplitude times the profile's weight scales that component's logits.</summary>
    private static void FillQueries(
        Span<float> queries, StructuredSignalLayout layout, StructuredAttentionOptions options, StructuredHeadProfile profile,
        double[] localFrequencies, double[] diagonalFrequencies)
    {
        int dim = options.HeadDim;
        for (int query = 0; query < options.SequenceLength; query++)
        {
            Span<float> row = queries.Slice(query * dim, dim);
            SignalComponents.AddConstant(row[..layout.SinkDims], profile.Sink * layout.SinkAmplitude);
            SignalComponents.AddConstant(row.Slice(layout.SinkDims, layout.VerticalDims), profile.Vertical * layout.VerticalAmplitude);
            SignalComponents.AddRotation(row[layout.LocalStart..], localFrequencies, query, profile.Local * layout.LocalAmplitude);
            foreach (int offset in options.DiagonalOffsets)
            {
                // Rotating q back by the offset moves the peak of q_i · k_j to j = i − offset.
                SignalComponents.AddRotation(row[layout.DiagonalStart..], diagonalFrequencies, (long)query - offset, profile.Diagonal * layout.DiagonalAmplitude);
            }
        }
    }
}

using MInference.Multimodal;

namespace MInference.Synthetic;

/// <summary>
/// Deterministic q, k, v of a vision-language prompt whose heads show the structures MMInference
/// describes: grid heads and text (A-shape) heads, over a prompt of text and video segments
/// (<see cref="VideoAttentionOptions.Modalities"/>, which a model would know and which the
/// estimation reads).
/// </summary>
/// <remarks>
/// <para>
/// head_dim is split into components whose dot products give, at the scale 1/sqrt(D), about these
/// logits: +5 for a sink key and +7 for a key on a vertical line (position ≡ phase mod stride: D/16
/// dimensions each, constant in q, set in k only on those keys); a comb of up to +6 at offsets
/// i − j that are multiples of the stride (rotation pairs at frequencies 2π m / stride, m = 1 … P,
/// so Σ_m cos(2π m (i − j) / stride) peaks at the multiples, each peak about stride / P wide); +2 more
/// over the nearest <see cref="VideoAttentionOptions.GridFadeFrames"/> frames (slow rotations), so
/// nearer frames draw more attention; and +4 for the local band of text heads (rotations below
/// π / LocalWindow), and +4 for a text key (D/16 dimensions, set in k on text tokens: the "keys of
/// one modality" component of boundary heads). Grid heads weigh sink, vertical, comb and fade; text
/// heads sink and local; Q-boundary heads weigh a video row as a grid head and a text row as a text
/// head; K-boundary heads sink, text keys and local; 2D-boundary heads a video row as a grid head and
/// a text row with text keys and local. Keys carry every component, so the heads of a GQA group may
/// differ in kind.
/// </para>
/// <para>
/// Noise N(0, NoiseLevel²) is added to q and k; v is N(0, 1). Each (batch, head) draws from its
/// own seed derived from <see cref="VideoAttentionOptions.Seed"/>: the result does not depend on
/// threading.
/// </para>
/// </remarks>
public sealed class VideoAttentionData
{
    private const double SinkLogit = 5;
    private const double VerticalLogit = 7;
    private const double CombLogit = 6;
    private const double FadeLogit = 2;
    private const double LocalLogit = 4;
    // The text keys of a K-boundary head (and of a 2D-boundary head's text rows) draw 8 logits: at
    // 1M tokens and logit scale 1.5 they then hold most of the attention (4 held 28 %, the rest on the
    // noise floor of a million keys, where no sparse budget can follow it).
    private const double ModalityLogit = 8;

    private VideoAttentionData(VideoAttentionOptions options, int stride, float[] q, float[] k, float[] v)
    {
        Options = options;
        GridStride = stride;
        int n = options.Modalities.SequenceLength;
        Q = new ReadOnlyHostTensor(q, TensorLayout.Bhsd(options.BatchSize, options.Heads, n, options.HeadDim));
        K = new ReadOnlyHostTensor(k, TensorLayout.Bhsd(options.BatchSize, options.KvHeads, n, options.HeadDim));
        V = new ReadOnlyHostTensor(v, TensorLayout.Bhsd(options.BatchSize, options.KvHeads, n, options.HeadDim));
    }

    /// <summary>The options the data was generated from.</summary>
    public VideoAttentionOptions Options { get; }

    /// <summary>The grid stride planted (the option, or the first video's tokens per frame).</summary>
    public int GridStride { get; }

    /// <summary>Queries, [B, Heads, N, D] contiguous.</summary>
    public ReadOnlyHostTensor Q { get; }

    /// <summary>Keys, [B, KvHeads, N, D] contiguous.</summary>
    public ReadOnlyHostTensor K { get; }

    /// <summary>Values, [B, KvHeads, N, D] contiguous.</summary>
    public ReadOnlyHostTensor V { get; }

    /// <summary>The kind of query head <paramref name="head"/>.</summary>
    public VideoHeadKind KindOf(int head) => Options.HeadKinds.Count == 0 ? VideoHeadKind.Grid : Options.HeadKinds[head];

    /// <summary>Generates the tensors (in parallel over kv heads; deterministic).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size, the stride, the phase or the noise is out of range; the message names the option.</exception>
    /// <exception cref="ArgumentException">Heads is not a multiple of KvHeads, the kinds are not one per head, or no stride is given and the prompt has no video.</exception>
    public static VideoAttentionData Generate(VideoAttentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int stride = Validate(options);
        int n = options.Modalities.SequenceLength;
        int dim = options.HeadDim;
        long headSize = (long)n * dim;
        var q = new float[options.BatchSize * options.Heads * headSize];
        var k = new float[options.BatchSize * options.KvHeads * headSize];
        var v = new float[options.BatchSize * options.KvHeads * headSize];
        var layout = new Layout(dim, stride, options);
        int group = options.Heads / options.KvHeads;
        Parallel.For(0, options.BatchSize * options.KvHeads, list =>
        {
            int batch = list / options.KvHeads;
            int kvHead = list % options.KvHeads;
            Span<float> keys = k.AsSpan((int)(list * headSize), (int)headSize);
            SignalComponents.AddNoise(keys, DeterministicSeed.Derive(options.Seed, 12, batch, kvHead), options.NoiseLevel);
            for (int position = 0; position < n; position++)
            {
                layout.AddKey(keys.Slice(position * dim, dim), position);
            }

            SignalComponents.AddNoise(v.AsSpan((int)(list * headSize), (int)headSize), DeterministicSeed.Derive(options.Seed, 13, batch, kvHead), 1);
            for (int head = kvHead * group; head < (kvHead + 1) * group; head++)
            {
                Span<float> queries = q.AsSpan((int)(((batch * options.Heads) + head) * headSize), (int)headSize);
                SignalComponents.AddNoise(queries, DeterministicSeed.Derive(options.Seed, 11, batch, head), options.NoiseLevel);
                VideoHeadKind kind = options.HeadKinds.Count == 0 ? VideoHeadKind.Grid : options.HeadKinds[head];
                for (int position = 0; position < n; position++)
                {
                    layout.AddQuery(queries.Slice(position * dim, dim), position, kind);
                }
            }
        });

        return new VideoAttentionData(options, stride, q, k, v);
    }

    /// <summary>Checks the options and returns the grid stride.</summary>
    private static int Validate(VideoAttentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.Modalities, "options.Modalities");
        ArgumentNullException.ThrowIfNull(options.HeadKinds, "options.HeadKinds");
        int n = options.Modalities.SequenceLength;
        RequireAtLeast(options, options.BatchSize, 1, nameof(options.BatchSize));
        RequireAtLeast(options, options.Heads, 1, nameof(options.Heads));
        RequireAtLeast(options, options.KvHeads, 1, nameof(options.KvHeads));
        RequireAtLeast(options, options.HeadDim, 32, nameof(options.HeadDim));
        RequireAtLeast(options, options.SinkTokens, 0, nameof(options.SinkTokens));
        RequireAtLeast(options, options.LocalWindow, 1, nameof(options.LocalWindow));
        RequireAtLeast(options, options.GridFadeFrames, 1, nameof(options.GridFadeFrames));
        if (options.HeadDim % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.HeadDim, $"options.HeadDim = {options.HeadDim}; expected an even head_dim (rotations use pairs)");
        }

        if (options.Heads % options.KvHeads != 0)
        {
            throw new ArgumentException($"options.Heads = {options.Heads} is not a multiple of options.KvHeads = {options.KvHeads}", nameof(options));
        }

        if (options.HeadKinds.Count != 0 && options.HeadKinds.Count != options.Heads)
        {
            throw new ArgumentException($"options.HeadKinds holds {options.HeadKinds.Count} kinds; expected none or one per query head ({options.Heads})", nameof(options));
        }

        foreach (VideoHeadKind kind in options.HeadKinds)
        {
            if (!Enum.IsDefined(kind))
            {
                throw new ArgumentOutOfRangeException(nameof(options), kind, "options.HeadKinds holds an undefined kind; expected Grid, Text, QueryBoundary, KeyBoundary or TwoDBoundary");
            }
        }

        long largest = (long)options.BatchSize * Math.Max(options.Heads, options.KvHeads) * n * options.HeadDim;
        if (largest > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(options), largest, $"q would hold {largest} floats; expected at most {Array.MaxLength} (one .NET array)");
        }

        if (!(options.LogitScale > 0 && options.LogitScale <= 8))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LogitScale, $"options.LogitScale = {options.LogitScale}; expected a value in (0, 8]");
        }

        if (!double.IsFinite(options.NoiseLevel) || options.NoiseLevel < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.NoiseLevel, $"options.NoiseLevel = {options.NoiseLevel}; expected a finite value >= 0");
        }

        int stride = options.GridStride;
        if (stride == 0)
        {
            VideoGeometry video = options.Modalities.Segments.FirstOrDefault(segment => segment.Video is not null)?.Video
                ?? throw new ArgumentException("options.GridStride is 0 and the prompt has no video to take the frame size from; expected a stride >= 2 or a video segment", nameof(options));
            stride = video.TokensPerFrame;
        }

        if (stride < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), stride, $"grid stride {stride}; expected >= 2 (a frame of one patch has no grid)");
        }

        if (options.GridPhase < 0 || options.GridPhase >= stride)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.GridPhase, $"options.GridPhase = {options.GridPhase}; expected a phase in [0, {stride})");
        }

        return stride;
    }

    private static void RequireAtLeast(VideoAttentionOptions options, int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(nameof(options), value, $"options.{name} holds {value}; expected a value >= {minimum}");
        }
    }

    /// <summary>head_dim split between the components, and their amplitudes.</summary>
    private sealed class Layout
    {
        private readonly int _sinkDims, _verticalDims, _modalityDims, _combPairs, _fadePairs, _localPairs, _modalityStart;
        private readonly double _sinkAmplitude, _verticalAmplitude, _combAmplitude, _fadeAmplitude, _localAmplitude, _modalityAmplitude;
        private readonly bool[] _isVideo;
        private readonly double[] _combFrequencies, _fadeFrequencies, _localFrequencies;
        private readonly int _stride, _phase, _sinkTokens;

        public Layout(int dim, int stride, VideoAttentionOptions options)
        {
            // Each amplitude a gives a logit of scale · a² · dims, so a = sqrt(logit / (scale · dims)).
            double scale = 1 / (Math.Sqrt(dim) * options.LogitScale);
            _sinkDims = dim / 16;
            _verticalDims = dim / 16;
            _modalityDims = dim / 16;
            int pairs = (dim - _sinkDims - _verticalDims - _modalityDims) / 2;
            _combPairs = pairs * 4 / 7;
            _fadePairs = Math.Max(1, pairs / 7);
            _localPairs = pairs - _combPairs - _fadePairs;
            _sinkAmplitude = Math.Sqrt(SinkLogit / (scale * _sinkDims));
            _verticalAmplitude = Math.Sqrt(VerticalLogit / (scale * _verticalDims));
            _combAmplitude = Math.Sqrt(CombLogit / (scale * _combPairs));
            _fadeAmplitude = Math.Sqrt(FadeLogit / (scale * _fadePairs));
            _localAmplitude = Math.Sqrt(LocalLogit / (scale * _localPairs));
            _modalityAmplitude = Math.Sqrt(ModalityLogit / (scale * _modalityDims));
            _modalityStart = _sinkDims + _verticalDims + (2 * pairs);
            _isVideo = [.. Enumerable.Range(0, options.Modalities.SequenceLength).Select(position => options.Modalities.ModalityAt(position) == Modality.Video)];
            // Harmonics 1 … P of the stride (cycling when the stride has fewer distinct ones): their
            // cosines all equal 1 at multiples of the stride.
            int harmonics = Math.Max(1, stride / 2);
            _combFrequencies = [.. Enumerable.Range(0, _combPairs).Select(pair => 2 * Math.PI * (1 + (pair % harmonics)) / stride)];
            // Slow rotations: cos(θ t) stays near 1 while t is within the fade span.
            double fadeSpan = (double)options.GridFadeFrames * stride;
            _fadeFrequencies = [.. Enumerable.Range(0, _fadePairs).Select(pair => Math.PI / fadeSpan * (pair + 1) / _fadePairs / 2)];
            _localFrequencies = [.. Enumerable.Range(0, _localPairs).Select(pair => Math.PI / options.LocalWindow * (pair + 1) / _localPairs)];
            _stride = stride;
            _phase = options.GridPhase;
            _sinkTokens = options.SinkTokens;
        }

        public void AddKey(Span<float> row, int position)
        {
            if (position < _sinkTokens)
            {
                SignalComponents.AddConstant(row[.._sinkDims], _sinkAmplitude);
            }

            if (position % _stride == _phase)
            {
                SignalComponents.AddConstant(row.Slice(_sinkDims, _verticalDims), _verticalAmplitude);
            }

            int start = _sinkDims + _verticalDims;
            SignalComponents.AddRotation(row[start..], _combFrequencies, position, _combAmplitude);
            SignalComponents.AddRotation(row[(start + (2 * _combPairs))..], _fadeFrequencies, position, _fadeAmplitude);
            SignalComponents.AddRotation(row[(start + (2 * (_combPairs + _fadePairs)))..], _localFrequencies, position, _localAmplitude);
            if (!_isVideo[position])
            {
                SignalComponents.AddConstant(row.Slice(_modalityStart, _modalityDims), _modalityAmplitude);
            }
        }

        public void AddQuery(Span<float> row, int position, VideoHeadKind kind)
        {
            SignalComponents.AddConstant(row[.._sinkDims], _sinkAmplitude);
            bool video = _isVideo[position];
            bool gridRow = kind == VideoHeadKind.Grid || (video && kind is VideoHeadKind.QueryBoundary or VideoHeadKind.TwoDBoundary);
            bool textKeys = kind == VideoHeadKind.KeyBoundary || (!video && kind == VideoHeadKind.TwoDBoundary);
            int start = _sinkDims + _verticalDims;
            if (gridRow)
            {
                SignalComponents.AddConstant(row.Slice(_sinkDims, _verticalDims), _verticalAmplitude);
                SignalComponents.AddRotation(row[start..], _combFrequencies, position, _combAmplitude);
                SignalComponents.AddRotation(row[(start + (2 * _combPairs))..], _fadeFrequencies, position, _fadeAmplitude);
                return;
            }

            SignalComponents.AddRotation(row[(start + (2 * (_combPairs + _fadePairs)))..], _localFrequencies, position, _localAmplitude);
            if (textKeys)
            {
                SignalComponents.AddConstant(row.Slice(_modalityStart, _modalityDims), _modalityAmplitude);
            }
        }
    }
}

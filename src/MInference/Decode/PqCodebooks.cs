namespace MInference.Decode;

/// <summary>
/// The key and value codebooks of a model: one pair per (layer, kv head) with
/// <see cref="PqCodebookGranularity.PerLayerKvHead"/>, or one pair for all with
/// <see cref="PqCodebookGranularity.Shared"/>. Keys are quantized as given (after RoPE, as captured).
/// <see cref="Save"/> and <see cref="Load"/> use .safetensors (README, "PQ codebook files").
/// </summary>
public sealed class PqCodebooks
{
    private readonly PqCodebook[] _keys;
    private readonly PqCodebook[] _values;

    /// <summary>Creates the set from trained codebooks.</summary>
    /// <param name="granularity">Which tokens share a codebook.</param>
    /// <param name="layers">Layers of the model, at least 1.</param>
    /// <param name="kvHeads">Key/value heads per layer, at least 1.</param>
    /// <param name="keys">Key codebooks: layers·kv_heads of them in (layer, kv head) order, or 1 when shared.</param>
    /// <param name="values">Value codebooks, as <paramref name="keys"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or the granularity is out of range.</exception>
    /// <exception cref="ArgumentException">The lists have the wrong length, hold null, or disagree on head_dim or M.</exception>
    public PqCodebooks(PqCodebookGranularity granularity, int layers, int kvHeads, IReadOnlyList<PqCodebook> keys, IReadOnlyList<PqCodebook> values)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kvHeads, 1);
        if (!Enum.IsDefined(granularity))
        {
            throw new ArgumentOutOfRangeException(nameof(granularity), granularity, "expected PerLayerKvHead or Shared");
        }

        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        int expected = granularity == PqCodebookGranularity.Shared ? 1 : layers * kvHeads;
        _keys = Checked(keys, expected, nameof(keys), granularity);
        _values = Checked(values, expected, nameof(values), granularity);
        PqCodebook first = _keys[0];
        foreach (PqCodebook codebook in _keys.Concat(_values))
        {
            if (codebook.HeadDim != first.HeadDim || codebook.Subspaces != first.Subspaces)
            {
                throw new ArgumentException(
                    $"a codebook has head_dim {codebook.HeadDim} and M {codebook.Subspaces}, another head_dim {first.HeadDim} and M {first.Subspaces}; expected one shape", nameof(values));
            }
        }

        Granularity = granularity;
        Layers = layers;
        KvHeads = kvHeads;
    }

    /// <summary>Which tokens share a codebook.</summary>
    public PqCodebookGranularity Granularity { get; }

    /// <summary>Layers of the model.</summary>
    public int Layers { get; }

    /// <summary>Key/value heads per layer.</summary>
    public int KvHeads { get; }

    /// <summary>Elements per head vector.</summary>
    public int HeadDim => _keys[0].HeadDim;

    /// <summary>M, code bytes per head vector.</summary>
    public int Subspaces => _keys[0].Subspaces;

    /// <summary>C = 256.</summary>
    public int Centroids => _keys[0].Centroids;

    /// <summary>The key codebook of (<paramref name="layer"/>, <paramref name="kvHead"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The layer or head is out of range.</exception>
    public PqCodebook Keys(int layer, int kvHead) => _keys[Index(layer, kvHead)];

    /// <summary>The value codebook of (<paramref name="layer"/>, <paramref name="kvHead"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The layer or head is out of range.</exception>
    public PqCodebook Values(int layer, int kvHead) => _values[Index(layer, kvHead)];

    /// <summary>
    /// Trains the codebooks: per subspace k-means (<see cref="PqCodebookOptions"/>) on up to
    /// <see cref="PqCodebookOptions.SampleTokens"/> tokens drawn without replacement (seeded) from each
    /// codebook's tokens: those of its (layer, kv head) over the batch, or of every layer and head when
    /// shared. Subspaces train in parallel, each from its own seed, so the result does not depend on threading.
    /// </summary>
    /// <param name="keys">Per layer, keys [B, kv_heads, N, head_dim] (any strides); every layer the same kv_heads and head_dim.</param>
    /// <param name="values">Per layer, values shaped as the keys.</param>
    /// <param name="options">M, C, iterations, seed, sample size and granularity.</param>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths, a tensor is not rank 4 or disagrees with the others, a value is not finite, or a codebook would see fewer than C tokens.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static PqCodebooks Train(IReadOnlyList<ReadOnlyHostTensor> keys, IReadOnlyList<ReadOnlyHostTensor> values, PqCodebookOptions options)
    {
        PqTrainingJobs jobs = PqTrainingJobs.Sample(keys, values, options);
        return jobs.Assemble(jobs.Keys.Select(job => TrainOne(jobs, job)).ToArray(), jobs.Values.Select(job => TrainOne(jobs, job)).ToArray());
    }

    /// <summary>Writes the codebooks to a .safetensors file (atomically; see <see cref="IO.SafetensorsWriter"/>).</summary>
    /// <exception cref="IOException">Writing failed; any existing file is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be written.</exception>
    public void Save(string path) => PqCodebookFile.Write(this, path);

    /// <summary>Reads codebooks written by <see cref="Save"/>, validating every field.</summary>
    /// <exception cref="PqCodebookFormatException">The metadata, a tensor's dtype or shape, or a value is not what <see cref="Save"/> writes.</exception>
    /// <exception cref="IO.SafetensorsFormatException">The file is not a well-formed safetensors file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static PqCodebooks Load(string path) => PqCodebookFile.Read(path);

    private static PqCodebook TrainOne(PqTrainingJobs jobs, PqTrainingJob job)
    {
        PqCodebookOptions options = jobs.Options;
        int headDim = jobs.Data.HeadDim;
        int subDim = headDim / options.Subspaces;
        var centroids = new float[options.Subspaces * options.Centroids * subDim];
        Parallel.For(0, options.Subspaces, m =>
        {
            float[] points = jobs.SubspacePoints(job, m);
            float[] trained = SubspaceKMeans.Train(points, subDim, options.Centroids, options.Iterations, PqTrainingJobs.SubspaceRandom(job, m));
            trained.CopyTo(centroids, m * options.Centroids * subDim);
        });

        return new PqCodebook(headDim, options.Subspaces, centroids);
    }

    private static PqCodebook[] Checked(IReadOnlyList<PqCodebook> list, int expected, string name, PqCodebookGranularity granularity)
    {
        if (list.Count != expected)
        {
            throw new ArgumentException($"{name} holds {list.Count} codebooks; expected {expected} for {granularity}", name);
        }

        var result = new PqCodebook[expected];
        for (int i = 0; i < expected; i++)
        {
            result[i] = list[i] ?? throw new ArgumentException($"{name}[{i}] is null; expected a codebook", name);
        }

        return result;
    }

    private int Index(int layer, int kvHead)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, Layers);
        ArgumentOutOfRangeException.ThrowIfNegative(kvHead);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(kvHead, KvHeads);
        return Granularity == PqCodebookGranularity.Shared ? 0 : (layer * KvHeads) + kvHead;
    }
}

using MInference.Synthetic;

namespace MInference.Decode;

/// <summary>
/// What <see cref="PqCodebooks.Train"/> trains, shared by the CPU and GPU trainers so both see the same
/// tokens, subspace points and seeds: per codebook the tokens drawn for it, per subspace its points
/// and its k-means++ random stream.
/// </summary>
internal sealed class PqTrainingJobs
{
    private PqTrainingJobs(PqTrainingData data, PqCodebookOptions options, PqTrainingJob[] keys, PqTrainingJob[] values)
    {
        Data = data;
        Options = options;
        Keys = keys;
        Values = values;
    }

    public PqTrainingData Data { get; }

    public PqCodebookOptions Options { get; }

    /// <summary>Key codebooks in (layer, kv head) order, or one when shared.</summary>
    public PqTrainingJob[] Keys { get; }

    /// <summary>Value codebooks, as <see cref="Keys"/>.</summary>
    public PqTrainingJob[] Values { get; }

    /// <summary>Validates the inputs and draws every codebook's tokens (seeded; see <see cref="PqTrainingData.Sample"/>).</summary>
    /// <exception cref="ArgumentException">As <see cref="PqCodebooks.Train"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static PqTrainingJobs Sample(IReadOnlyList<ReadOnlyHostTensor> keys, IReadOnlyList<ReadOnlyHostTensor> values, PqCodebookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var data = new PqTrainingData(keys, values);
        PqCodebookOptions.Validate(options, data.HeadDim);
        bool shared = options.Granularity == PqCodebookGranularity.Shared;
        int count = shared ? 1 : data.Layers * data.KvHeads;
        var keyJobs = new PqTrainingJob[count];
        var valueJobs = new PqTrainingJob[count];
        for (int index = 0; index < count; index++)
        {
            int? layer = shared ? null : index / data.KvHeads;
            int? kvHead = shared ? null : index % data.KvHeads;
            keyJobs[index] = new PqTrainingJob(
                data.Sample(data.Keys, layer, kvHead, options.SampleTokens, DeterministicSeed.Derive(options.Seed, 0, index, 0)),
                DeterministicSeed.Derive(options.Seed, 2, index, 0));
            valueJobs[index] = new PqTrainingJob(
                data.Sample(data.Values, layer, kvHead, options.SampleTokens, DeterministicSeed.Derive(options.Seed, 1, index, 0)),
                DeterministicSeed.Derive(options.Seed, 3, index, 0));
        }

        return new PqTrainingJobs(data, options, keyJobs, valueJobs);
    }

    /// <summary>Subspace <paramref name="subspace"/> of every token: [count, head_dim / M] floats.</summary>
    public float[] SubspacePoints(PqTrainingJob job, int subspace)
    {
        int headDim = Data.HeadDim;
        int subDim = headDim / Options.Subspaces;
        int count = job.Tokens.Length / headDim;
        var points = new float[count * subDim];
        for (int token = 0; token < count; token++)
        {
            job.Tokens.AsSpan((token * headDim) + (subspace * subDim), subDim).CopyTo(points.AsSpan(token * subDim));
        }

        return points;
    }

    /// <summary>The k-means++ random stream of one subspace of a codebook: independent of threading and of the other subspaces.</summary>
    public static Random SubspaceRandom(PqTrainingJob job, int subspace) => new(DeterministicSeed.Derive(job.Seed, 4, subspace, 0));

    /// <summary>The codebook set, from trained codebooks in the order of <see cref="Keys"/> and <see cref="Values"/>.</summary>
    public PqCodebooks Assemble(IReadOnlyList<PqCodebook> keys, IReadOnlyList<PqCodebook> values) =>
        new(Options.Granularity, Data.Layers, Data.KvHeads, keys, values);
}

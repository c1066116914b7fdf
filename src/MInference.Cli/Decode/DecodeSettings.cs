using MInference.Decode;
using MInference.Synthetic;

namespace MInference.Cli.Decode;

/// <summary>What `decode` runs: the shape (the synthetic model's, or the captured tensors'), the quantizer and the steps.</summary>
internal sealed record DecodeSettings(
    IReadOnlyList<int> Lengths, int Heads, int KvHeads, int HeadDim, int Subspaces, int Window, int Steps, int TopK,
    int Iterations, int SampleTokens, DType DType, int Seed)
{
    /// <summary>The codebooks' layer the caches use (a loaded file's layer for captured tensors; 0 otherwise).</summary>
    public int CodebookLayer { get; init; }

    /// <summary>The synthetic model over <paramref name="tokens"/> positions; calibration and evaluation text differ by sequence seed.</summary>
    public OutlierKvOptions Model(int tokens, bool calibration) => new()
    {
        SequenceLength = tokens, Heads = Heads, KvHeads = KvHeads, HeadDim = HeadDim, ModelSeed = Seed, SequenceSeed = calibration ? Seed + 1 : Seed + 2,
    };

    public PqCodebookOptions Codebooks => new() { Subspaces = Subspaces, Iterations = Iterations, SampleTokens = SampleTokens, Seed = Seed };

    /// <summary>Throws <see cref="ArgumentException"/> for combinations the options alone cannot check.</summary>
    public void Validate()
    {
        if (Heads % KvHeads != 0)
        {
            throw new ArgumentException($"--heads {Heads} is not a multiple of --kv-heads {KvHeads}", nameof(Heads));
        }

        if (HeadDim % Subspaces != 0)
        {
            throw new ArgumentException($"--subspaces {Subspaces} does not divide --head-dim {HeadDim}; expected a divisor (32 for head_dim 96)", nameof(Subspaces));
        }

        int calibration = Lengths.Max() + Steps;
        if (calibration < PqCodebookOptions.SupportedCentroids)
        {
            throw new ArgumentException($"the longest --seq plus --steps is {calibration} tokens; expected at least {PqCodebookOptions.SupportedCentroids} to train 256 centroids", nameof(Lengths));
        }
    }
}

using MInference.Evaluation;
using MInference.Synthetic;

namespace MInference.Cli.Prefill;

/// <summary>
/// The demo's stand-in for a long-context model: <see cref="Layers"/> attention layers whose query
/// heads carry the structured patterns of <see cref="StructuredAttentionData"/>, one
/// <see cref="SyntheticHeadKind"/> per head (heads cycle through <see cref="SyntheticHeadKind.All"/>,
/// shifted by the layer). A layer's keys and frequencies depend on the seed and layer only, so a
/// short prompt (a search sample) and a long one come from the same "model". The structure: 4 sink
/// tokens, a local band of N/16 tokens up to 8192 (it widens with the prompt, as the local windows of
/// long-context heads do, and short CPU-sized prompts keep a long-context shape), diagonals at offsets 100, N/7 and N/3, vertical keys at N/5, N/2, 3N/4
/// and 9N/10, noise 0.25.
/// </summary>
internal sealed record SyntheticModel(int Layers, int Heads, int KvHeads, int HeadDim, DType DType, int Seed)
{
    public const int LocalWindow = 8192;

    /// <summary>The local band's width for a prompt of <paramref name="sequenceLength"/> tokens.</summary>
    public static int LocalWindowFor(int sequenceLength) => Math.Max(1, Math.Min(LocalWindow, sequenceLength / 16));

    /// <summary>The kind of a head.</summary>
    public static SyntheticHeadKind KindOf(int layer, int head) => SyntheticHeadKind.All[(head + layer) % SyntheticHeadKind.All.Count];

    /// <summary>Checks the shape before any (long) generation.</summary>
    /// <exception cref="ArgumentException">A size is out of range or Hkv does not divide H.</exception>
    public void Validate()
    {
        // Worded with the options' names: the sizes come from the command line.
        if (Layers < 1 || Heads < 1 || KvHeads < 1 || Heads % KvHeads != 0)
        {
            throw new ArgumentException($"--layers {Layers}, --heads {Heads}, --kv-heads {KvHeads}: expected >= 1 of each, --kv-heads dividing --heads");
        }

        if (!AttentionHeadDims.IsSupported(HeadDim))
        {
            throw new ArgumentException($"--head-dim {HeadDim} is not supported: the kernels take {AttentionHeadDims.Text}");
        }
    }

    /// <summary>Generates one layer's q, k, v for a prompt of <paramref name="sequenceLength"/> tokens, rounded to the dtype.</summary>
    public LayerInputs GenerateLayer(int layer, int sequenceLength)
    {
        int n = sequenceLength;
        StructuredAttentionData data = StructuredAttentionData.Generate(new StructuredAttentionOptions
        {
            SequenceLength = n,
            Heads = Heads,
            KvHeads = KvHeads,
            HeadDim = HeadDim,
            Seed = unchecked(Seed + (layer * 7919)),
            SinkTokens = Math.Min(4, n),
            LocalWindow = LocalWindowFor(n),
            DiagonalOffsets = [.. new[] { 100, n / 7, n / 3 }.Where(offset => offset < n).Distinct()],
            VerticalPositions = [.. new[] { n / 5, n / 2, 3 * (n / 4), n - 1 - (n / 10) }.Where(position => position >= 0).Distinct()],
            NoiseLevel = 0.25,
            HeadProfiles = [.. Enumerable.Range(0, Heads).Select(head => KindOf(layer, head).Profile)],
        });
        return LayerInputs.RoundedTo(DType, data.Q, data.K, data.V);
    }
}

using MInference.Decode;
using MInference.Tests.Support;

namespace MInference.Tests.Decode;

/// <summary>Codebooks with N(0, 1) centroids (untrained: the cache and decode tests need codes, not good ones).</summary>
internal static class TestCodebooks
{
    public static PqCodebooks Random(int layers, int kvHeads, int headDim, int subspaces, int seed)
    {
        int size = subspaces * PqCodebookOptions.SupportedCentroids * (headDim / subspaces);
        var keys = new PqCodebook[layers * kvHeads];
        var values = new PqCodebook[layers * kvHeads];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = new PqCodebook(headDim, subspaces, RandomValues.Normal(size, seed + (2 * i)));
            values[i] = new PqCodebook(headDim, subspaces, RandomValues.Normal(size, seed + (2 * i) + 1));
        }

        return new PqCodebooks(PqCodebookGranularity.PerLayerKvHead, layers, kvHeads, keys, values);
    }

    /// <summary>A prompt [kv_heads, tokens, head_dim] of N(0, 1) values.</summary>
    public static ReadOnlyHostTensor Prompt(int kvHeads, int tokens, int headDim, int seed) =>
        new(RandomValues.Normal(kvHeads * tokens * headDim, seed), TensorLayout.Contiguous(kvHeads, tokens, headDim));

    /// <summary>One step [batch, kv_heads, head_dim] of N(0, 1) values.</summary>
    public static ReadOnlyHostTensor Step(int batch, int kvHeads, int headDim, int seed) =>
        new(RandomValues.Normal(batch * kvHeads * headDim, seed), TensorLayout.Contiguous(batch, kvHeads, headDim));
}

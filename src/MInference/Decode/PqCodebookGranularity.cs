namespace MInference.Decode;

/// <summary>Which tokens share one pair of key and value codebooks.</summary>
public enum PqCodebookGranularity
{
    /// <summary>One key and one value codebook per (layer, kv head): the default, the best fit to each head's distribution.</summary>
    PerLayerKvHead = 0,

    /// <summary>One key and one value codebook for every layer and kv head (MILLION's "merged training").</summary>
    Shared = 1,
}

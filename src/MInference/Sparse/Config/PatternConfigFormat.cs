namespace MInference.Sparse.Config;

/// <summary>How <see cref="HeadPatternConfig.ToJson"/> writes a pattern file; both forms read back with <see cref="HeadPatternConfig.Load(string, int, int)"/>.</summary>
public enum PatternConfigFormat
{
    /// <summary>
    /// MInference's format plus <c>["dense", 0, 0, score]</c> for heads that stay dense, which this
    /// library reads but MInference's own loader (only <c>stream_llm</c>, <c>vertical_and_slash</c>,
    /// <c>block_sparse</c>) does not.
    /// </summary>
    Extended,

    /// <summary>
    /// Only names MInference's own loader knows: a dense head is written
    /// <c>["vertical_and_slash", L, L, score]</c>, L the dense-cover length the caller gives (the
    /// sample length the config was searched on). With L verticals and L slashes every key column and
    /// every diagonal is kept, so such a head computes every causal entry of prompts up to L tokens;
    /// at longer prompts it is no longer dense (it keeps L of the columns and diagonals).
    /// </summary>
    MInference,
}

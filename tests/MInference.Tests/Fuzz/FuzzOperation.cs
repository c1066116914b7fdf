namespace MInference.Tests.Fuzz;

/// <summary>The public GPU entry point a fuzzed case runs through.</summary>
internal enum FuzzOperation
{
    /// <summary><see cref="Attention.Dense"/>: causal (bottom-right for q_len &lt; kv_len) or not, any q_len and kv_len.</summary>
    Dense,

    /// <summary><see cref="Attention.AShape"/> on a random subset of heads, q_len &lt;= kv_len.</summary>
    AShape,

    /// <summary>A <see cref="Prefill.SparsePrefillPlan"/> of a random MInference-style per-head config (every pattern kind).</summary>
    Layer,
}

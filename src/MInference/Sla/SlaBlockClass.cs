namespace MInference.Sla;

/// <summary>The class SLA's mask prediction gives a (query block, key block) pair of 64 × 64 tokens.</summary>
public enum SlaBlockClass : sbyte
{
    /// <summary>Bottom k_l of the row: skipped.</summary>
    Negligible = -1,

    /// <summary>Neither: through the linear branch.</summary>
    Marginal = 0,

    /// <summary>Top k_h of the row: exact softmax attention.</summary>
    Critical = 1,
}

namespace MInference.Sla;

/// <summary>Which keys SLA's linear branch sums over.</summary>
public enum SlaLinearBranch
{
    /// <summary>
    /// The paper's: per query block, only its marginal key blocks (critical ones are exact,
    /// negligible ones skipped); O_l = φ(q)·H / (φ(q)·Z), and 0 where a row has no marginal key or
    /// φ(q)·Z is 0.
    /// </summary>
    MarginalBlocks,

    /// <summary>
    /// The released code's main branch (thu-ml/SLA since December 2025): every key, critical ones
    /// included; O_l = φ(q)·H / (10⁻⁵ + φ(q)·Z).
    /// </summary>
    AllKeys,
}

namespace MInference.Interop;

/// <summary><c>mi_sla_linear_branch</c>: which keys SLA's linear branch sums over.</summary>
internal enum MiSlaLinearBranch
{
    /// <summary><c>MI_SLA_MARGINAL_BLOCKS</c>: the paper's, a row's marginal blocks only.</summary>
    MarginalBlocks = 0,

    /// <summary><c>MI_SLA_ALL_KEYS</c>: the released code's main branch, every key.</summary>
    AllKeys = 1,
}

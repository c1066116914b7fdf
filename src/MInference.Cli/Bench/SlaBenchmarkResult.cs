namespace MInference.Cli.Bench;

/// <summary>
/// One line of `bench sla --json`, serialised with snake_case names. Times are GPU milliseconds,
/// medians of the timed runs (CUDA events, after warm-up, no allocation in the timed region).
/// </summary>
/// <param name="Op">Always "sla".</param>
/// <param name="Batch">B.</param>
/// <param name="Seq">N.</param>
/// <param name="Heads">H (q, k and v share the heads).</param>
/// <param name="HeadDim">head_dim.</param>
/// <param name="Dtype">bf16 or fp16.</param>
/// <param name="Critical">k_h, the fraction of each row's key blocks that are critical.</param>
/// <param name="Negligible">k_l, the fraction skipped.</param>
/// <param name="CriticalBlocks">Critical key blocks per row, ⌊k_h · blocks⌋ (at least 1).</param>
/// <param name="NegligibleBlocks">Negligible key blocks per row.</param>
/// <param name="FeatureMap">softmax, elu or relu.</param>
/// <param name="LinearBranch">marginal (the paper's) or all (the released code's).</param>
/// <param name="MsMask">Mask prediction alone.</param>
/// <param name="MsFwd">The forward including mask prediction.</param>
/// <param name="MsAttention">The forward alone over a predicted mask (<c>mi_sla_forward</c>).</param>
/// <param name="MsBwd">The backward alone over the predicted mask (<c>mi_sla_backward</c>: dQ, dK, dV, dW, db).</param>
/// <param name="DenseFwdMs">Our dense non-causal kernel on the same tensors.</param>
/// <param name="DenseBwdMs">Our dense backward: the same backward with every block critical (k_h = 100 %, the paper's linear branch, then empty), the fallback without sparsity.</param>
/// <param name="DenseBwdTflops">2.5 · 4·B·H·N²·D over <paramref name="DenseBwdMs"/> (the usual FlashAttention backward count: Q·Kᵀ recomputed, dV, dP, dQ and dK, 5 products for the forward's 2).</param>
/// <param name="BwdWorkspaceBytes">The workspace the backward of <paramref name="MsBwd"/> takes: its extra memory beside the tensors and the saved state.</param>
/// <param name="RelL2">Relative L2 error of SLA's output against the dense kernel's (all heads), with Proj at its zero initialisation.</param>
/// <param name="Device">The GPU's name.</param>
/// <param name="Mainloop">The dense attention mainloop the device takes (sm80 or sm90a).</param>
internal sealed record SlaBenchmarkResult(
    string Op,
    int Batch,
    int Seq,
    int Heads,
    int HeadDim,
    string Dtype,
    double Critical,
    double Negligible,
    int CriticalBlocks,
    int NegligibleBlocks,
    string FeatureMap,
    string LinearBranch,
    double MsMask,
    double MsFwd,
    double MsAttention,
    double MsBwd,
    double DenseFwdMs,
    double DenseBwdMs,
    double DenseBwdTflops,
    long BwdWorkspaceBytes,
    double RelL2,
    string Device,
    string Mainloop);

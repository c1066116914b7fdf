namespace MInference.Tests.Gpu;

/// <summary>
/// How close the GPU's fp32 vertical and slash scores must come to the CPU estimate (double, on the
/// same dtype-rounded q and k), and what that implies for the top-k choices made from them.
/// </summary>
/// <remarks>
/// <para>
/// Every score is a sum of at most 64 softmax probabilities, all positive, so nothing cancels and
/// errors stay relative to the score itself. Their sources, for the logits of
/// <see cref="MInference.Synthetic.StructuredAttentionData"/> (|scale · q · k| up to about 20):
/// products of two bf16/fp16 values are exact in fp32, and summing D ≤ 128 of them costs at most
/// D·u·Σ|q_d k_d| (u = 2⁻²⁴): about 8e-4 on a logit in the worst case, 1e-4 typically. A logit
/// error δ changes its probability by a relative e^δ − 1 ≈ δ; the row's normaliser (a sum of up to N
/// positive exponentials, folded from per-block partials) adds a relative error well under 1e-4,
/// and the sum over ≤ 64 rows, in any order (the slash sums use atomics), another 64·u ≈ 4e-6.
/// So relative 1e-3 covers the worst case with room, while a wrong mask, scale, row range or a
/// dropped row shows up as an error of order one probability.
/// </para>
/// <para>
/// The GPU forms q · k on tensor cores (mma.sync m16n8k16, fp32 accumulation). The products are
/// still exact; only the additions change: each of the D/16 steps aligns 16 products and the
/// accumulator to the largest of them and adds them with truncation (Fasi, Higham, Mikaitis and
/// Pranesh, "Numerical behavior of NVIDIA tensor cores", 2021), erring by at most about 17·u of
/// the magnitudes it adds, which over D/16 steps is again about D·u·Σ|q_d k_d|. The bound above
/// and the tolerance stand unchanged; at N = 1M the largest relative difference of any score from
/// the earlier CUDA-core fp32 kernel was 3e-6 (bench/vs_steps.py).
/// </para>
/// <para>
/// The absolute floor only has to absorb probabilities so small that fp32 flushes them to zero
/// (below ~1e-38) or fast exponentials lose relative accuracy on them: 1e-6 is far above those, and
/// still small next to one missing probability at the lengths tested (≈ 1/N ≥ 6e-5 for a flat row).
/// </para>
/// </remarks>
internal static class VerticalSlashScoreTolerance
{
    public const double Absolute = 1e-6;
    public const double Relative = 1e-3;

    /// <summary>The largest allowed |gpu − cpu| at a CPU score of <paramref name="reference"/>.</summary>
    public static double Allowed(double reference) => Absolute + (Relative * Math.Abs(reference));

    /// <summary>
    /// The lowest CPU score a GPU choice can have when the CPU's k-th best (forced entries at +∞) is
    /// <paramref name="cpuKth"/>: with |g − c| ≤ A + R·c everywhere, the GPU's k-th best is at least
    /// c_kth(1 − R) − A, and a GPU choice e has c(e) ≥ (g(e) − A) / (1 + R).
    /// </summary>
    public static double LowestCpuScoreOfAGpuChoice(double cpuKth) =>
        double.IsPositiveInfinity(cpuKth) ? cpuKth : ((cpuKth * (1 - Relative)) - (2 * Absolute)) / (1 + Relative);

    /// <summary>
    /// The lowest GPU score a CPU choice can have when the GPU's k-th best is <paramref name="gpuKth"/>:
    /// the CPU's k-th best is at least (g_kth − A) / (1 + R), and a CPU choice e has g(e) ≥ c(e)(1 − R) − A.
    /// </summary>
    public static double LowestGpuScoreOfACpuChoice(double gpuKth) =>
        double.IsPositiveInfinity(gpuKth) ? gpuKth : (((gpuKth - Absolute) / (1 + Relative)) * (1 - Relative)) - Absolute;
}

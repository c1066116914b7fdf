namespace MInference.Tests.Sla;

/// <summary>
/// How close the GPU backward must come to <see cref="MInference.Sla.SlaReference.Backward"/> (double,
/// on the same dtype-rounded q, k, v and dO, the same mask and the fp32-rounded projection), as the
/// relative L2 error of each of dQ, dK, dV, dW and db over all its elements. Inputs and dO are
/// N(0, 1), W and b N(0, 0.5²). bf16 1e-2 is the target (≈ 5u, unit roundoff u = 2⁻⁹);
/// fp16 4e-3 (≈ 16u, u = 2⁻¹²). The errors the kernels add beyond the inputs' own rounding:
/// <list type="bullet">
/// <item>the tensor-core products take 16-bit operands: P and dS of the critical blocks, φ(q) and
/// φ(k), and dnum = (dO·W) / (φ(q)·Z), which is stored in the element type, are each rounded once
/// before their products, as in FlashAttention-2's backward (a few u);</item>
/// <item>the linear branch is computed, as in the forward, over the cheaper of its blocks or all-keys
/// totals minus the excluded blocks; the subtraction is taken only where what remains is at least
/// half the total, so it amplifies roundings at most twofold (the fp32 key-state sums enter as two
/// 16-bit halves);</item>
/// <item>the sparse and the linear gradients of dQ, dK and dV are each rounded once to the element
/// type before being added, and dW = Σ dOᵀ·O_l reads the forward's O_l as stored in the element
/// type (db = Σ dO sums exact inputs in fp32).</item>
/// </list>
/// </summary>
internal static class SlaBackwardGpuTolerance
{
    public static double RelativeL2(DType dtype) => dtype switch
    {
        DType.BFloat16 => 1e-2,
        DType.Float16 => 4e-3,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "the kernels run Float16 or BFloat16"),
    };
}

namespace MInference.Tests.Sla;

/// <summary>
/// How close the GPU forward must come to <see cref="MInference.Sla.SlaReference"/> (double, on the
/// same dtype-rounded inputs, the same mask and the fp32-rounded projection), as relative L2 errors
/// over every element. Inputs are N(0, 1) and W, b are N(0, 0.5²), so O, O_s and O_l are O(1).
/// <list type="bullet">
/// <item>O_s is dense-style softmax attention over the critical blocks: the dense kernels' bounds
/// (<see cref="Gpu.Tolerance"/>): bf16 keeps 8 significant bits (unit roundoff u = 2⁻⁹ ≈ 2.0e-3 per
/// stored element, and P is rounded to 16 bits before P·V), so 1e-2 ≈ 5u; fp16 (u = 2⁻¹²) 2e-3 ≈ 8u.</item>
/// <item>O = O_s + O_l·Wᵀ + b adds a D-term product and a third rounding on store: bf16 1e-2, fp16 3e-3.</item>
/// <item>O_l = φ(q)·H / φ(q)·Z is computed as all keys minus the critical and negligible blocks, with
/// the fp32 state split into two 16-bit halves on the tensor cores: the subtraction cancels where
/// the marginal keys are few (the error grows by about all keys / marginal keys, up to 16 here), the
/// halves carry ~16 bits, and the result is stored in 16 bits: bf16 2e-2 ≈ 10u, fp16 5e-3 ≈ 20u.</item>
/// <item>The log-sum-exp stays fp32, as in the dense kernels: 1e-3 absolute on values ≈ 5 (N(0, 1)
/// scores), where a wrong scale, block or rescale costs ≥ 1e-2.</item>
/// </list>
/// </summary>
internal readonly record struct SlaGpuTolerance(double Output, double SparseOutput, double LinearOutput)
{
    public const double LogSumExpMaxAbsoluteError = 1e-3;

    public static SlaGpuTolerance For(DType dtype) => dtype switch
    {
        DType.BFloat16 => new(1e-2, 1e-2, 2e-2),
        DType.Float16 => new(3e-3, 2e-3, 5e-3),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "the kernels run Float16 or BFloat16"),
    };
}

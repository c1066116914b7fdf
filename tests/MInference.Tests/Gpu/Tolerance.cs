namespace MInference.Tests.Gpu;

/// <summary>
/// How close the kernels must come to the CPU reference (double accumulation on the same
/// dtype-rounded inputs). Inputs are N(0, 1), so outputs (weighted averages of value rows) are O(1)
/// and the log-sum-exp is O(log kv_len + max score) ≈ 10.
/// <list type="bullet">
/// <item>bf16 keeps 8 significant bits, unit roundoff u = 2⁻⁹ ≈ 2.0e-3. Storing the output costs up to
/// u·|o|, and kernels round the probabilities P to bf16 before P·V, adding errors of relative size u
/// that average over the keys. Max-abs 2e-2 ≈ 10u lets the worst of up to ~10⁶ elements be a few
/// units off at |o| up to ~3; relative L2 1e-2 ≈ 5u bounds the typical error.</item>
/// <item>fp16 keeps 11 bits, u = 2⁻¹² ≈ 2.4e-4: max-abs 4e-3 ≈ 16u, relative L2 2e-3 ≈ 8u, by the same argument.</item>
/// <item>The log-sum-exp stays fp32 in the kernel: 1e-3 on values ≈ 10 leaves room for exp2/log2
/// approximations (~1e-6 relative) while catching a wrong scale, mask or missed rescale (≥ 1e-2).</item>
/// </list>
/// </summary>
internal readonly record struct Tolerance(double MaxAbsoluteError, double RelativeL2Error)
{
    public const double LogSumExpMaxAbsoluteError = 1e-3;

    public static Tolerance For(DType dtype) => dtype switch
    {
        DType.BFloat16 => new(2e-2, 1e-2),
        DType.Float16 => new(4e-3, 2e-3),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "the kernels run Float16 or BFloat16"),
    };

    public override string ToString() => $"max-abs <= {MaxAbsoluteError:E1}, rel-L2 <= {RelativeL2Error:E1}";
}

namespace MInference.Cli;

/// <summary>
/// Accuracy the demo requires of the output (stored in the 16-bit dtype) against the CPU reference
/// computed in double on the same rounded inputs. Outputs of unit-scale inputs are O(1); bf16 keeps
/// 8 significant bits (unit roundoff 2⁻⁹ ≈ 2.0e-3) and fp16 11 bits (2⁻¹² ≈ 2.4e-4). Rounding the
/// output costs half a unit and the kernel's 16-bit probabilities in P·V a few more, so the bounds
/// allow about 10 units for the worst element and about 5 for the relative L2 norm, which averages.
/// </summary>
internal readonly record struct DemoTolerance(double MaxAbsoluteError, double RelativeL2Error)
{
    public static DemoTolerance For(DType dtype) => dtype switch
    {
        DType.BFloat16 => new(MaxAbsoluteError: 2e-2, RelativeL2Error: 1e-2),
        DType.Float16 => new(MaxAbsoluteError: 4e-3, RelativeL2Error: 2e-3),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "the demo runs Float16 or BFloat16"),
    };
}

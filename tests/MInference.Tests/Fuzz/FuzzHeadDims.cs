namespace MInference.Tests.Fuzz;

/// <summary>
/// The head dims the fuzzers draw from: every candidate the library's own operand validation
/// accepts. The library keeps its list private (<c>DenseAttentionValidation</c>), so each candidate
/// is probed by validating a tiny BHSD problem of that head_dim without a GPU: 64 and 128 today,
/// and 96 or 256 as soon as the library lists them (a head_dim the kernels gain is fuzzed with no
/// change here). A new candidate size is added to <see cref="Candidates"/>, the one place to edit.
/// </summary>
internal static class FuzzHeadDims
{
    /// <summary>Head dims worth probing; the ones the library rejects are left out of <see cref="Supported"/>.</summary>
    public static readonly int[] Candidates = [64, 96, 128, 256];

    /// <summary>Candidates the library accepts, ascending.</summary>
    public static int[] Supported { get; } = Candidates.Where(IsSupported).ToArray();

    /// <summary>Candidates the library rejects with <see cref="NotSupportedException"/>: the invalid-input fuzzer uses them.</summary>
    public static int[] Unsupported { get; } = Candidates.Except(Supported).ToArray();

    private static bool IsSupported(int headDim)
    {
        try
        {
            var layout = TensorLayout.Bhsd(1, 1, 8, headDim);
            long bytes = layout.RequiredElementCount * sizeof(ushort);
            DenseAttentionValidation.Validate(
                new DeviceOperand("q", new object(), DType.BFloat16, layout, 0, bytes),
                new DeviceOperand("k", new object(), DType.BFloat16, layout, 0, bytes),
                new DeviceOperand("v", new object(), DType.BFloat16, layout, 0, bytes),
                new DeviceOperand("output", new object(), DType.BFloat16, layout, 0, bytes),
                default,
                logSumExp: null);
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }
}

namespace MInference.Tests.Fuzz;

/// <summary>
/// The head dims the fuzzers draw from: the library's own list (<see cref="AttentionHeadDims"/>), so
/// a head_dim the kernels gain is fuzzed with no change here, and a few it must refuse.
/// </summary>
internal static class FuzzHeadDims
{
    /// <summary>Every head_dim the GPU kernels take, ascending.</summary>
    public static int[] Supported { get; } = [.. AttentionHeadDims.Supported];

    /// <summary>Head dims the kernels refuse with <see cref="NotSupportedException"/>: the invalid-input fuzzer uses them.</summary>
    public static int[] Unsupported { get; } = [.. new[] { 32, 80, 160, 256 }.Where(headDim => !AttentionHeadDims.IsSupported(headDim))];
}

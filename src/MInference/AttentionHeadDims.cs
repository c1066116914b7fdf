using System.Collections.ObjectModel;
using MInference.Interop;

namespace MInference;

/// <summary>
/// The head dimensions the GPU kernels take: dense attention, every sparse pattern and the
/// estimators are compiled for each of them, both dtypes. The CPU reference takes any head_dim.
/// </summary>
public static class AttentionHeadDims
{
    /// <summary>64, 96 and 128, ascending.</summary>
    public static ReadOnlyCollection<int> Supported { get; } = Array.AsReadOnly(MiNative.AttentionHeadDims.ToArray());

    /// <summary>"64, 96 or 128": for messages and option help.</summary>
    public static string Text { get; } =
        $"{string.Join(", ", Supported.Take(Supported.Count - 1))} or {Supported[^1]}";

    /// <summary>Whether the GPU kernels take <paramref name="headDim"/>.</summary>
    public static bool IsSupported(long headDim) => headDim is >= int.MinValue and <= int.MaxValue && Supported.Contains((int)headDim);
}

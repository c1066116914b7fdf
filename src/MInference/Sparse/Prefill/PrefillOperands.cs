namespace MInference.Sparse;

/// <summary>The validated operands of one layer's prefill: what every launch of the layer reads and writes.</summary>
/// <param name="Q">Queries, [B, H, N, D].</param>
/// <param name="K">Keys, [B, Hkv, N, D].</param>
/// <param name="V">Values, [B, Hkv, N, D].</param>
/// <param name="Output">[B, H, N, D], written head list by head list.</param>
/// <param name="LogSumExp">Optional fp32 [B, H, N].</param>
internal sealed record PrefillOperands(DeviceTensor Q, DeviceTensor K, DeviceTensor V, DeviceTensor Output, DeviceBuffer? LogSumExp);

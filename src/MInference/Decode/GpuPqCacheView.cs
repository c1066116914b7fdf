namespace MInference.Decode;

/// <summary>
/// A product-quantized KV cache on the device, as <see cref="GpuPqDecode"/> reads it: the layouts of
/// <see cref="PqKvCache"/> (codes [B, Hkv, capacity, M] bytes, token-major; windows [B, Hkv, W, D]
/// 16-bit), the codebooks as fp32 [Hkv (or 1 when shared), M, 256, D / M], and each sequence's coded
/// and window lengths as device int32 [B]. The buffers belong to the caller.
/// </summary>
/// <param name="KeyCodes">[B, Hkv, Capacity, Subspaces] bytes.</param>
/// <param name="ValueCodes">The same layout.</param>
/// <param name="Capacity">Code rows per (sequence, kv head).</param>
/// <param name="Subspaces">M: 32 or 64.</param>
/// <param name="KeyCentroids">fp32 [Hkv or 1, M, 256, D / M].</param>
/// <param name="ValueCentroids">The same layout.</param>
/// <param name="SharedCodebook">One codebook pair for every kv head.</param>
/// <param name="KeyWindow">[B, Hkv, W, D], the dtype of the queries.</param>
/// <param name="ValueWindow">The same layout.</param>
/// <param name="CodedLengths">Device int32 [B]: coded tokens of each sequence.</param>
/// <param name="WindowLengths">Device int32 [B]: window tokens of each sequence.</param>
/// <param name="MaxCoded">An upper bound of the coded lengths known on the host, in [0, Capacity].</param>
public sealed record GpuPqCacheView(
    DeviceBuffer KeyCodes,
    DeviceBuffer ValueCodes,
    long Capacity,
    int Subspaces,
    DeviceBuffer KeyCentroids,
    DeviceBuffer ValueCentroids,
    bool SharedCodebook,
    DeviceTensor KeyWindow,
    DeviceTensor ValueWindow,
    DeviceBuffer CodedLengths,
    DeviceBuffer WindowLengths,
    long MaxCoded);

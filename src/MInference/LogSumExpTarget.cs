namespace MInference;

/// <summary>The optional fp32 log-sum-exp output as validation sees it (see <see cref="DeviceOperand"/>).</summary>
/// <param name="Storage">Identity of the buffer.</param>
/// <param name="LengthInBytes">Size of the buffer in bytes.</param>
internal readonly record struct LogSumExpTarget(object Storage, long LengthInBytes);

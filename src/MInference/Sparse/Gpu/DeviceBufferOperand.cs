namespace MInference.Sparse.Gpu;

/// <summary>
/// A flat device buffer as validation sees it (see <see cref="DeviceOperand"/>): an identity and a
/// byte length, so the vertical-slash rules can be checked, and tested, without a GPU.
/// </summary>
/// <param name="Name">Parameter name used in messages.</param>
/// <param name="Storage">Identity of the buffer; two operands alias when their storages are the same object.</param>
/// <param name="LengthInBytes">Size of the buffer in bytes.</param>
internal readonly record struct DeviceBufferOperand(string Name, object Storage, long LengthInBytes)
{
    public static DeviceBufferOperand Of(DeviceBuffer buffer, string name) => new(name, buffer, buffer.LengthInBytes);

    /// <summary>The whole storage behind a tensor operand (q or k), for alias checks.</summary>
    public static DeviceBufferOperand Of(DeviceOperand tensor) => new(tensor.Name, tensor.Storage, tensor.StorageLengthInBytes);
}

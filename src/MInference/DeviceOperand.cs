namespace MInference;

/// <summary>
/// A device tensor as validation sees it: where it lives (an identity and a byte length) rather than
/// device memory itself, so the rules can be checked, and tested, without a GPU.
/// </summary>
/// <param name="Name">Parameter name used in messages ("q", "k", "v", "output").</param>
/// <param name="Storage">Identity of the underlying buffer; operands with the same storage may overlap.</param>
/// <param name="DType">Element type.</param>
/// <param name="Layout">Lengths and element strides.</param>
/// <param name="ElementOffset">Offset of the first element in the storage, in elements.</param>
/// <param name="StorageLengthInBytes">Size of the storage in bytes.</param>
internal readonly record struct DeviceOperand(
    string Name, object Storage, DType DType, TensorLayout Layout, long ElementOffset, long StorageLengthInBytes)
{
    public static DeviceOperand Of(DeviceTensor tensor, string name) =>
        new(name, tensor.Buffer, tensor.DType, tensor.Layout, tensor.ElementOffset, tensor.Buffer.LengthInBytes);

    /// <summary>First byte of the view in its storage. Meaningful once the view is known to fit.</summary>
    public long StartByte => ElementOffset * DType.ElementSize;

    /// <summary>One past the last byte the view can reach. Meaningful once the view is known to fit.</summary>
    public long EndByte => (ElementOffset + Layout.RequiredElementCount) * DType.ElementSize;
}

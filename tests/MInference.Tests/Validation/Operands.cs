namespace MInference.Tests.Validation;

/// <summary>Builds <see cref="DeviceOperand"/>s for validation tests: a layout in its own exactly-sized storage unless told otherwise.</summary>
internal static class Operands
{
    public static DeviceOperand Of(
        string name, TensorLayout layout, DType dtype = DType.BFloat16, long elementOffset = 0, long? storageBytes = null, object? storage = null) =>
        new(name, storage ?? new object(), dtype, layout, elementOffset, storageBytes ?? ((elementOffset + layout.RequiredElementCount) * dtype.ElementSize));
}

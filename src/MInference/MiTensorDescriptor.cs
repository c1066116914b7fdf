using MInference.Interop;

namespace MInference;

/// <summary>Describes a <see cref="DeviceTensor"/> for the C ABI (mi_tensor4).</summary>
internal static class MiTensorDescriptor
{
    /// <summary>The descriptor of <paramref name="tensor"/> whose buffer is leased at <paramref name="bufferAddress"/>.</summary>
    public static MiTensor4 Of(DeviceTensor tensor, nint bufferAddress)
    {
        var descriptor = new MiTensor4 { Data = bufferAddress + (nint)(tensor.ElementOffset * tensor.DType.ElementSize) };
        for (int dimension = 0; dimension < 4; dimension++)
        {
            descriptor.Stride[dimension] = tensor.Layout.Strides[dimension];
        }

        return descriptor;
    }
}

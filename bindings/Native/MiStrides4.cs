using System.Runtime.CompilerServices;

namespace MInference.Interop;

/// <summary><c>int64_t stride[4]</c> of <c>mi_tensor4</c>, in elements, per logical dimension.</summary>
[InlineArray(4)]
internal struct MiStrides4
{
    private long _first;
}

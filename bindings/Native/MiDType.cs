namespace MInference.Interop;

/// <summary><c>mi_dtype</c>: element type of a tensor crossing the ABI.</summary>
internal enum MiDType
{
    /// <summary><c>MI_DTYPE_FLOAT16</c>.</summary>
    Float16 = 0,

    /// <summary><c>MI_DTYPE_BFLOAT16</c>.</summary>
    BFloat16 = 1,

    /// <summary><c>MI_DTYPE_FLOAT32</c>.</summary>
    Float32 = 2,

    /// <summary><c>MI_DTYPE_UINT8</c>: codes of quantized caches.</summary>
    UInt8 = 3,

    /// <summary><c>MI_DTYPE_INT32</c>: indices.</summary>
    Int32 = 4,
}

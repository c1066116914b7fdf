namespace MInference.Interop;

/// <summary><c>mi_status</c>: what every fallible mi_* function returns.</summary>
internal enum MiStatusCode
{
    /// <summary><c>MI_OK</c>.</summary>
    Ok = 0,

    /// <summary><c>MI_ERR_INVALID_ARGUMENT</c>: bad shape, stride, pointer, alignment or value.</summary>
    InvalidArgument = 1,

    /// <summary><c>MI_ERR_UNSUPPORTED</c>: a valid request this build does not implement.</summary>
    Unsupported = 2,

    /// <summary><c>MI_ERR_NO_DEVICE</c>: no CUDA driver or no CUDA device.</summary>
    NoDevice = 3,

    /// <summary><c>MI_ERR_UNSUPPORTED_DEVICE</c>: device too old for the compiled kernels.</summary>
    UnsupportedDevice = 4,

    /// <summary><c>MI_ERR_OUT_OF_MEMORY</c>: cudaMalloc failed.</summary>
    OutOfMemory = 5,

    /// <summary><c>MI_ERR_CUDA</c>: any other CUDA runtime error.</summary>
    Cuda = 6,

    /// <summary><c>MI_ERR_INTERNAL</c>: a bug in libminference.</summary>
    Internal = 7,
}

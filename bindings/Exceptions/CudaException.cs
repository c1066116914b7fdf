namespace MInference;

/// <summary>
/// A CUDA runtime error reported by libminference (<c>MI_ERR_CUDA</c>, message carrying CUDA's text),
/// or an internal error of the library (<c>MI_ERR_INTERNAL</c>). After an asynchronous kernel
/// fault the CUDA context is usually unusable and the process should be restarted.
/// </summary>
public class CudaException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public CudaException()
        : base("CUDA error")
    {
    }

    /// <summary>Creates the exception with the native message.</summary>
    /// <param name="message">The message from <c>mi_last_error()</c>.</param>
    public CudaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the native message and an inner exception.</summary>
    /// <param name="message">The message from <c>mi_last_error()</c>.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public CudaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

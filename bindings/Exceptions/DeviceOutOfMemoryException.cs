namespace MInference;

/// <summary>A device allocation failed (<c>MI_ERR_OUT_OF_MEMORY</c>); host memory is unaffected.</summary>
public sealed class DeviceOutOfMemoryException : CudaException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public DeviceOutOfMemoryException()
        : base("out of device memory")
    {
    }

    /// <summary>Creates the exception with the native message.</summary>
    /// <param name="message">The message from <c>mi_last_error()</c>, naming the requested size.</param>
    public DeviceOutOfMemoryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the native message and an inner exception.</summary>
    /// <param name="message">The message from <c>mi_last_error()</c>.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public DeviceOutOfMemoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

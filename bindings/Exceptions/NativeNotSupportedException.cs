namespace MInference;

/// <summary>
/// A valid request that this build of libminference does not implement (<c>MI_ERR_UNSUPPORTED</c>),
/// e.g. a head dimension without compiled kernels. Nothing was launched or written.
/// </summary>
public sealed class NativeNotSupportedException : NotSupportedException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public NativeNotSupportedException()
        : base("not supported by this build of libminference")
    {
    }

    /// <summary>Creates the exception with the native message.</summary>
    /// <param name="message">The message from <c>mi_last_error()</c>.</param>
    public NativeNotSupportedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the native message and an inner exception.</summary>
    /// <param name="message">The message from <c>mi_last_error()</c>.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public NativeNotSupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

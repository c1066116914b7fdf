namespace MInference;

/// <summary>
/// libminference rejected an argument (<c>MI_ERR_INVALID_ARGUMENT</c>); the message names the
/// argument, its value and what was expected. Nothing was launched or written. The safe API
/// validates first, so reaching this means the native side knows a rule the managed side does not
/// (for example a host pointer passed as device memory).
/// </summary>
public sealed class NativeArgumentException : ArgumentException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public NativeArgumentException()
        : base("libminference rejected an argument")
    {
    }

    /// <summary>Creates the exception with the native message.</summary>
    /// <param name="message">The message from <c>mi_last_error()</c>.</param>
    public NativeArgumentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the native message and an inner exception.</summary>
    /// <param name="message">The message from <c>mi_last_error()</c>.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public NativeArgumentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

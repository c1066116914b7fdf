namespace MInference.Decode;

/// <summary>
/// A codebook file is a well-formed .safetensors file but not one <see cref="PqCodebooks.Save"/>
/// writes: metadata missing or out of range, a tensor missing or of the wrong dtype or shape, or a
/// centroid not finite. The message starts with the path, then says what was wrong and what was expected.
/// </summary>
public sealed class PqCodebookFormatException : FormatException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public PqCodebookFormatException()
        : base("invalid PQ codebook file")
    {
    }

    /// <summary>Creates the exception with a complete message.</summary>
    /// <param name="message">What was wrong and what was expected.</param>
    public PqCodebookFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a complete message and the exception that revealed the problem.</summary>
    /// <param name="message">What was wrong and what was expected.</param>
    /// <param name="innerException">The exception that revealed the problem.</param>
    public PqCodebookFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

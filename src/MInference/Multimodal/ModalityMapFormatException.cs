namespace MInference.Multimodal;

/// <summary>
/// A modality map file is malformed. The message names the source, the segment where there is one,
/// what was wrong and what was expected, e.g. <c>prompt.json: segments[2]: "frames" is 0; expected an
/// integer >= 1</c>. Malformed JSON carries the <see cref="System.Text.Json.JsonException"/> as
/// <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class ModalityMapFormatException : FormatException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ModalityMapFormatException()
        : base("invalid modality map file")
    {
    }

    /// <summary>Creates the exception with a complete message.</summary>
    public ModalityMapFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a complete message and the exception that revealed the problem.</summary>
    public ModalityMapFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

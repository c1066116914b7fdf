namespace MInference.IO;

/// <summary>
/// A safetensors file is malformed. The message starts with the file path, then the tensor where
/// there is one, then what was wrong and what was expected, e.g. <c>model.safetensors: tensor
/// 'layers.0.q': data_offsets [0, 96] hold 96 bytes; expected 2·3·4 elements × 2 bytes = 48 bytes for
/// BF16 [2, 3, 4]</c>. Malformed JSON or text carries the exception that revealed it as
/// <see cref="Exception.InnerException"/>. A <see cref="FormatException"/>, as the project's other
/// file-format errors (<see cref="System.IO.InvalidDataException"/> is sealed).
/// </summary>
public sealed class SafetensorsFormatException : FormatException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public SafetensorsFormatException()
        : base("invalid safetensors file")
    {
    }

    /// <summary>Creates the exception with a complete message.</summary>
    /// <param name="message">What was wrong and what was expected.</param>
    public SafetensorsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a complete message and the exception that revealed the problem.</summary>
    /// <param name="message">What was wrong and what was expected.</param>
    /// <param name="innerException">The exception that revealed the problem.</param>
    public SafetensorsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with its location; the message is "path: tensor 'name': problem" (or "path: problem").</summary>
    /// <param name="filePath">The path of the file, as given to <see cref="SafetensorsFile.Open"/>.</param>
    /// <param name="tensorName">The tensor the problem is in, or null when it is not inside one.</param>
    /// <param name="problem">What was wrong and what was expected.</param>
    /// <param name="innerException">The exception that revealed the problem, if any.</param>
    public SafetensorsFormatException(string filePath, string? tensorName, string problem, Exception? innerException = null)
        : base(FormatMessage(filePath, tensorName, problem), innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
        Problem = problem;
    }

    /// <summary>The path of the file, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The tensor the problem is in, when it is inside one.</summary>
    public string? TensorName { get; }

    /// <summary>What was wrong and what was expected, without the location.</summary>
    public string? Problem { get; }

    private static string FormatMessage(string filePath, string? tensorName, string problem) =>
        tensorName is null ? $"{filePath}: {problem}" : $"{filePath}: tensor '{tensorName}': {problem}";
}

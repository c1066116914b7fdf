namespace MInference.Sparse.Config;

/// <summary>
/// A pattern file is malformed or does not fit the model. The message starts with the source (the
/// file), then the layer and the head where there is one, then what was wrong and what was expected,
/// e.g. <c>llama.json: layer 3, head "17": unknown pattern "vertcal_and_slash"; expected one of
/// vertical_and_slash, stream_llm, block_sparse, dense</c>. Malformed JSON carries the
/// <see cref="System.Text.Json.JsonException"/> as <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class PatternConfigException : FormatException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public PatternConfigException()
        : base("invalid pattern file")
    {
    }

    /// <summary>Creates the exception with a complete message.</summary>
    /// <param name="message">What was wrong and what was expected.</param>
    public PatternConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a complete message and the exception that revealed the problem.</summary>
    /// <param name="message">What was wrong and what was expected.</param>
    /// <param name="innerException">The exception that revealed the problem.</param>
    public PatternConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with its location; the message is "source: layer L, head "H": problem".</summary>
    /// <param name="sourceName">The file name or other name of the source.</param>
    /// <param name="layer">The layer (0-based), or null when the problem is not inside one.</param>
    /// <param name="head">The head key as written in the file, or null when the problem is not inside one.</param>
    /// <param name="problem">What was wrong and what was expected.</param>
    /// <param name="innerException">The exception that revealed the problem, if any.</param>
    public PatternConfigException(string sourceName, int? layer, string? head, string problem, Exception? innerException = null)
        : base(FormatMessage(sourceName, layer, head, problem), innerException)
    {
        SourceName = sourceName;
        Layer = layer;
        Head = head;
        Problem = problem;
    }

    /// <summary>The file name or other name of the source, when known.</summary>
    public string? SourceName { get; }

    /// <summary>The 0-based layer where the problem is, when it is inside one.</summary>
    public int? Layer { get; }

    /// <summary>The head key as written in the file (e.g. "17"), when the problem is inside one.</summary>
    public string? Head { get; }

    /// <summary>What was wrong and what was expected, without the location.</summary>
    public string? Problem { get; }

    private static string FormatMessage(string sourceName, int? layer, string? head, string problem)
    {
        string location = (layer, head) switch
        {
            (null, null) => "",
            ({ } l, null) => $"layer {l}: ",
            (null, { } h) => $"head \"{h}\": ",
            ({ } l, { } h) => $"layer {l}, head \"{h}\": ",
        };
        return $"{sourceName}: {location}{problem}";
    }
}

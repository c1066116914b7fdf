namespace MInference.Cli;

/// <summary>
/// How failures reach the user: one plain line on standard error per problem. Plain text, not
/// Spectre markup, because Spectre wraps long lines at the console width and the line must stay
/// one line for scripts and logs.
/// </summary>
internal static class ErrorOutput
{
    public static void Line(string message) => Console.Error.WriteLine($"error: {OneLine(message)}");

    /// <summary>
    /// An exception's message without what .NET appends for developers: ArgumentException's
    /// " (Parameter 'name')" (a C# parameter the user never typed) and ArgumentOutOfRangeException's
    /// "Actual value was ..." line (the message already says it).
    /// </summary>
    public static string MessageOf(Exception exception)
    {
        string message = exception.Message;
        if (exception is ArgumentException { ParamName: { } parameter })
        {
            message = message.ReplaceLineEndings("\n").Split('\n')[0].Replace($" (Parameter '{parameter}')", string.Empty, StringComparison.Ordinal);
        }

        return message;
    }

    /// <summary>An unexpected exception: its message and type on one line; with --verbose, the full trace after it.</summary>
    public static void Unexpected(Exception exception, bool verbose)
    {
        string hint = verbose ? string.Empty : $" (run with {CliApp.VerboseOptionName} for the stack trace)";
        Line($"{MessageOf(exception)} [{exception.GetType().FullName}]{hint}");
        if (verbose)
        {
            Console.Error.WriteLine(exception.ToString());
        }
    }

    private static string OneLine(string message) => string.Join(' ', message.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

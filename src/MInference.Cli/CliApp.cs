using System.CommandLine;
using System.CommandLine.Invocation;
using MInference.Cli.Bench;
using MInference.Cli.Decode;
using MInference.Cli.Demo;
using MInference.Cli.Run;
using MInference.Cli.Search;
using MInference.Cli.Sla;
using MInference.Cli.Video;

namespace MInference.Cli;

/// <summary>The `minference` command tree, built once per invocation (tests run it in process).</summary>
internal static class CliApp
{
    public const string VerboseOptionName = "--verbose";

    public static RootCommand CreateRootCommand() => new("""
        MInference for .NET: sparse long-context prefill (Vertical-Slash, A-shape, Block-Sparse) on CUDA, with a CPU reference.

        Start with `minference demo`; check your own tensors with `minference run`; find each head's pattern with `minference search`.
        """)
    {
        InfoCommand.Create(),
        DemoCommand.Create(),
        RunCommand.Create(),
        SearchCommand.Create(),
        GenerateCommand.Create(),
        BenchCommand.Create(),
        DecodeCommand.Create(),
        VideoCommand.Create(),
        SlaCommand.Create(),
        new Option<bool>(VerboseOptionName) { Description = "On an unexpected error, print the full stack trace", Recursive = true },
    };

    /// <summary>
    /// Parses and runs one command line. Parse errors print one line together (exit code 1); anything a
    /// command did not expect prints one line with its type (exit code 1), the trace only with --verbose.
    /// </summary>
    public static int Run(string[] args)
    {
        try
        {
            ParseResult parse = CreateRootCommand().ShowingExamples().Parse(args);
            if (parse.Action is ParseErrorAction)
            {
                // One line however many errors one mistake causes (an unknown command also leaves
                // its arguments unmatched, a misplaced option its value).
                ErrorOutput.Line(string.Join("; ", parse.Errors.Select(error => error.Message)));

                return (int)ExitCode.Failure;
            }

            // Without the default handler, exceptions reach the catch below, which keeps them to one line.
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // The raw arguments, not the parse result: parsing may be what failed.
            ErrorOutput.Unexpected(e, verbose: args.Contains(VerboseOptionName, StringComparer.Ordinal));
            return (int)ExitCode.Failure;
        }
    }
}

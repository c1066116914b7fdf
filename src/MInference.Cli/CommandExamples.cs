using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace MInference.Cli;

/// <summary>
/// Examples shown at the end of a command's `--help` (kept out of the description, so command
/// lists stay one line per command).
/// </summary>
internal static class CommandExamples
{
    private static readonly ConditionalWeakTable<Command, string[]> s_examples = [];

    /// <summary>Registers the examples of <paramref name="command"/>; returns it.</summary>
    public static Command WithExamples(this Command command, params string[] examples)
    {
        s_examples.AddOrUpdate(command, examples);
        return command;
    }

    /// <summary>Makes the root's help print an "Examples:" section after the default help.</summary>
    public static RootCommand ShowingExamples(this RootCommand root)
    {
        foreach (HelpOption help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction action)
            {
                help.Action = new HelpWithExamples(action);
            }
        }

        return root;
    }

    /// <summary>The default help, then the examples of the command asked about.</summary>
    private sealed class HelpWithExamples(HelpAction help) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int result = help.Invoke(parseResult);
            if (s_examples.TryGetValue(parseResult.CommandResult.Command, out string[]? examples) && examples.Length > 0)
            {
                TextWriter output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (string example in examples)
                {
                    output.WriteLine($"  {example}");
                }

                output.WriteLine();
            }

            return result;
        }
    }
}

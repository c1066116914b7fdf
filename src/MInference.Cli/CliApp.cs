using System.CommandLine;
using MInference.Cli.Bench;
using MInference.Cli.Demo;
using MInference.Cli.Run;
using MInference.Cli.Search;

namespace MInference.Cli;

/// <summary>The `minference` command tree, built once per invocation (tests run it in process).</summary>
internal static class CliApp
{
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
    };

    public static int Run(string[] args) => CreateRootCommand().ShowingExamples().Parse(args).Invoke();
}

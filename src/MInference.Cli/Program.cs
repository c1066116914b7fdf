using System.CommandLine;
using MInference.Cli;

var root = new RootCommand("""
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
return root.Parse(args).Invoke();

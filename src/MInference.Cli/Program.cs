using System.CommandLine;
using MInference.Cli;

var root = new RootCommand("MInference for .NET: long-context attention kernels on CUDA, with a CPU reference.")
{
    InfoCommand.Create(),
    BenchCommand.Create(),
    DemoCommand.Create(),
};
return root.Parse(args).Invoke();

using System.CommandLine;
using Spectre.Console;

namespace MInference.Cli;

/// <summary>
/// `minference demo`: dense attention on generated inputs, timed and checked against the CPU
/// reference. Runs on the GPU when there is one; otherwise says why and runs the CPU backend at a
/// size that finishes in seconds. Options left out take the defaults of the backend that runs.
/// </summary>
internal static class DemoCommand
{
    private const int CheckedRowCount = 32;

    private static readonly AttentionProblem s_gpuDefaults = new(1, Heads: 32, KvHeads: 8, SequenceLength: 8192, HeadDim: 128, DType.BFloat16, Causal: true);
    private static readonly AttentionProblem s_cpuDefaults = new(1, Heads: 8, KvHeads: 2, SequenceLength: 512, HeadDim: 64, DType.BFloat16, Causal: true);

    private static readonly Option<int?> s_sequenceLength = new Option<int?>("--seq") { Description = "Sequence length [GPU: 8192, CPU: 512]" }.AtLeast(1);
    private static readonly Option<int?> s_heads = new Option<int?>("--heads") { Description = "Query heads [GPU: 32, CPU: 8]" }.AtLeast(1);
    private static readonly Option<int?> s_kvHeads = new Option<int?>("--kv-heads") { Description = "Key/value heads [GPU: 8, CPU: 2]" }.AtLeast(1);
    private static readonly Option<int?> s_headDim = new Option<int?>("--head-dim") { Description = "Head dimension [GPU: 128, CPU: 64]" }.AtLeast(1);
    private static readonly Option<string> s_dtype = DTypeNames.CreateOption();
    private static readonly Option<bool> s_causal = new("--causal") { Description = "Causal mask; --causal false turns it off", DefaultValueFactory = _ => true };
    private static readonly Option<int> s_seed = new("--seed") { Description = "Seed of the random inputs", DefaultValueFactory = _ => 1 };

    public static Command Create()
    {
        var command = new Command("demo", "Run dense attention on generated inputs, time it and check it against the CPU reference.")
        {
            s_sequenceLength, s_heads, s_kvHeads, s_headDim, s_dtype, s_causal, s_seed,
        };
        command.SetAction(parse => Consoles.Run(() => Run(parse)));
        return command;
    }

    private static ExitCode Run(ParseResult parse)
    {
        bool onGpu = GpuBackend.IsAvailable;
        if (!onGpu)
        {
            Consoles.Error.MarkupLineInterpolated($"[yellow]GPU backend unavailable:[/] {GpuBackend.UnavailableReason}");
            Consoles.Error.MarkupLine("[yellow]Running the CPU reference backend instead, at a size that finishes in seconds.[/]");
        }

        AttentionProblem defaults = onGpu ? s_gpuDefaults : s_cpuDefaults;
        var problem = defaults with
        {
            SequenceLength = parse.GetValue(s_sequenceLength) ?? defaults.SequenceLength,
            Heads = parse.GetValue(s_heads) ?? defaults.Heads,
            KvHeads = parse.GetValue(s_kvHeads) ?? defaults.KvHeads,
            HeadDim = parse.GetValue(s_headDim) ?? defaults.HeadDim,
            DType = DTypeNames.Parse(parse.GetValue(s_dtype)),
            Causal = parse.GetValue(s_causal),
        };
        int seed = parse.GetValue(s_seed);
        int[] checkedRows = RowSample.Spread(problem.SequenceLength, CheckedRowCount);

        DemoOutcome outcome = Consoles.WithProgress(report => onGpu
            ? DemoOnGpu.Run(problem, seed, checkedRows, report)
            : DemoOnCpu.Run(problem, seed, checkedRows, report));
        return DemoReport.Print(problem, outcome) ? ExitCode.Success : ExitCode.Failure;
    }
}

using Spectre.Console;
using System.CommandLine;
using MInference.Evaluation;

namespace MInference.Cli.Prefill;

/// <summary>The `--backend` option: auto (the GPU when there is one, else the CPU reference), gpu or cpu.</summary>
internal static class BackendChoice
{
    public const string Auto = "auto";
    public const string Gpu = "gpu";
    public const string Cpu = "cpu";

    public static Option<string> CreateOption()
    {
        var option = new Option<string>("--backend")
        {
            Description = "Where to compute: auto (GPU if usable, else the CPU reference), gpu, cpu",
            DefaultValueFactory = _ => Auto,
        };
        option.AcceptOnly(Auto, Gpu, Cpu);
        return option;
    }

    /// <summary>Opens the chosen backend; says on standard error why auto fell back to the CPU.</summary>
    /// <exception cref="GpuUnavailableException">gpu was asked for and there is none.</exception>
    public static IPrefillBackend Open(string? choice, int timedRuns)
    {
        if (choice == Cpu)
        {
            return new CpuPrefillBackend();
        }

        if (choice == Gpu || GpuBackend.IsAvailable)
        {
            return new GpuPrefillBackend(0, timedRuns);
        }

        ReportFallback();
        return new CpuPrefillBackend();
    }

    /// <summary>Says on standard error why auto runs on the CPU references.</summary>
    public static void ReportFallback()
    {
        Consoles.Error.MarkupLineInterpolated($"[yellow]GPU backend unavailable:[/] {GpuBackend.UnavailableReason}");
        Consoles.Error.MarkupLine("[yellow]Using the CPU reference backend, at sizes that finish in seconds.[/]");
    }
}

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Filters;
using MInference.Benchmarks.Gpu;

namespace MInference.Benchmarks;

/// <summary>
/// The configuration every run uses: jobs run in process (the GPU machine has the .NET runtime
/// only, so nothing may be built at run time), allocated bytes per operation, and the results as
/// GitHub markdown and JSON under <c>--artifacts DIR</c>/results. GPU benchmarks are left out,
/// with a message, where <see cref="GpuBackend"/> is unavailable.
/// </summary>
public static class BenchmarkConfig
{
    /// <summary>
    /// The arguments BenchmarkSwitcher gets: the caller's, plus <c>--inProcess</c> (so the job that
    /// <c>--job</c> picks gets the in-process emit toolchain) and <c>--filter *</c> when no filter
    /// or list request is given (BenchmarkDotNet would otherwise ask on the console).
    /// </summary>
    public static string[] PrepareArguments(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var prepared = new List<string>(args);
        if (!args.Any(arg => IsOption(arg, "--inProcess", "-i")))
        {
            prepared.Add("--inProcess");
        }

        bool selects = args.Any(arg => IsOption(arg, "--filter", "-f", "--list", "--allCategories", "--anyCategories", "--attribute", "--help", "--version", "--info"));
        if (!selects)
        {
            prepared.AddRange(["--filter", "*"]);
        }

        return [.. prepared];
    }

    /// <summary>The global configuration (jobs come from the command line: <c>--job short</c>, default Default).</summary>
    public static IConfig Create()
    {
        // DefaultConfig's loggers, columns, analysers and validators, but only these two exporters.
        ManualConfig config = ManualConfig.CreateMinimumViable()
            .AddAnalyser([.. DefaultConfig.Instance.GetAnalysers()])
            .AddValidator([.. DefaultConfig.Instance.GetValidators()])
            .AddValidator(InProcessOnlyValidator.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub, JsonExporter.Full);

        if (!GpuOnly.IsAvailable)
        {
            Console.WriteLine(GpuOnly.SkipMessage);
            config.AddFilter(new SimpleFilter(benchmark => !benchmark.Descriptor.Categories.Contains(GpuBenchmark.Category)));
        }

        return config;
    }

    private static bool IsOption(string arg, params string[] names) =>
        names.Any(name => arg.Equals(name, StringComparison.OrdinalIgnoreCase) || arg.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase));
}

using BenchmarkDotNet.Running;
using MInference.Benchmarks;

// BenchmarkDotNet's own command line (--filter, --job, --artifacts, --list, ...), always in process:
// see BenchmarkConfig. Without --filter every benchmark runs (no interactive prompt).
return BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly)
    .Run(BenchmarkConfig.PrepareArguments(args), BenchmarkConfig.Create())
    .Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success))
    ? 1
    : 0;

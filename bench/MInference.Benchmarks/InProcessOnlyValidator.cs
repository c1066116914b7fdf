using BenchmarkDotNet.Validators;

namespace MInference.Benchmarks;

/// <summary>Fails the run when a job would build and start a separate process (the GPU machine has no SDK).</summary>
internal sealed class InProcessOnlyValidator : IValidator
{
    public static readonly InProcessOnlyValidator Instance = new();

    public bool TreatsWarningsAsErrors => true;

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters) =>
        validationParameters.Benchmarks
            .Where(benchmark => benchmark.Job.Infrastructure.Toolchain is not { IsInProcess: true })
            .Select(benchmark => new ValidationError(
                isCritical: true,
                $"{benchmark.DisplayInfo} runs with the {benchmark.Job.Infrastructure.Toolchain?.Name ?? "default (out-of-process)"} toolchain; only in-process toolchains are allowed (the GPU machine has no SDK)",
                benchmark));
}

using System.Diagnostics;

namespace MInference.Cli;

/// <summary>The demo on the CPU reference backend, for machines without a usable GPU.</summary>
internal static class DemoOnCpu
{
    public static DemoOutcome Run(AttentionProblem problem, int seed, int[] checkedRows, Action<string> report)
    {
        report("generating inputs");
        var inputs = new HostAttentionInputs(problem, new Random(seed));

        report($"running dense attention on the CPU ({Environment.ProcessorCount} threads)");
        var output = new float[problem.QueryLayout.ElementCount];
        var stopwatch = Stopwatch.StartNew();
        CpuAttention.Dense(inputs.Q, inputs.K, inputs.V, new HostTensor(output, problem.QueryLayout), new DenseAttentionOptions { Causal = problem.Causal });
        stopwatch.Stop();

        // Store the result in the dtype, as the GPU kernels do.
        var outputBits = new ushort[output.Length];
        HalfPrecision.Encode(output, outputBits, problem.DType);
        HalfPrecision.Decode(outputBits, output, problem.DType);

        report($"checking {checkedRows.Length} rows of every head against the CPU reference");
        ErrorStatistics errors = SampledReferenceCheck.Compare(problem, inputs, output, checkedRows);
        return new DemoOutcome(
            Backend: $"CPU reference backend ({Environment.ProcessorCount} threads)",
            Milliseconds: stopwatch.Elapsed.TotalMilliseconds,
            TimingMethod: "Stopwatch, one run",
            Errors: errors,
            NonFiniteOutputCount: output.LongCount(value => !float.IsFinite(value)),
            CheckedRowCount: checkedRows.Length,
            Caveat: $"the CPU backend is the reference itself: this check only covers storing the output as {DTypeNames.ToShortName(problem.DType)}");
    }
}

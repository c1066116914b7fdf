namespace MInference.Cli;

/// <summary>The demo on the GPU: kernel timed with CUDA events, output checked against the CPU reference.</summary>
internal static class DemoOnGpu
{
    private const int TimedRuns = 5;
    private const byte NaNPoison = 0xFF;

    public static DemoOutcome Run(AttentionProblem problem, int seed, int[] checkedRows, Action<string> report)
    {
        using var context = new GpuContext();
        report("generating inputs");
        var inputs = new HostAttentionInputs(problem, new Random(seed));

        report("uploading inputs");
        using var buffers = new DeviceAttentionBuffers(context, problem);
        buffers.Upload(inputs);
        buffers.Output.Buffer.Fill(NaNPoison); // 0xFFFF is NaN in fp16 and bf16: unwritten elements show up.

        report($"running dense attention on {context.Device.Name}");
        var options = new DenseAttentionOptions { Causal = problem.Causal };
        Attention.Dense(context, buffers.Q, buffers.K, buffers.V, buffers.Output, options); // warm-up
        using var timer = new GpuTimer(context);
        var milliseconds = new double[TimedRuns];
        for (int i = 0; i < TimedRuns; i++)
        {
            timer.Start();
            Attention.Dense(context, buffers.Q, buffers.K, buffers.V, buffers.Output, options);
            milliseconds[i] = timer.Stop();
        }

        var outputBits = new ushort[problem.QueryLayout.ElementCount];
        buffers.Output.Buffer.CopyToHost<ushort>(outputBits);
        var output = new float[outputBits.Length];
        HalfPrecision.Decode(outputBits, output, problem.DType);

        report($"checking {checkedRows.Length} rows of every head against the CPU reference");
        ErrorStatistics errors = SampledReferenceCheck.Compare(problem, inputs, output, checkedRows);
        return new DemoOutcome(
            Backend: $"GPU {context.Device.Ordinal}: {context.Device.Name} ({context.Device.Architecture})",
            Milliseconds: Statistics.Median(milliseconds),
            TimingMethod: $"CUDA events, median of {TimedRuns} runs after a warm-up",
            Errors: errors,
            NonFiniteOutputCount: output.LongCount(value => !float.IsFinite(value)),
            CheckedRowCount: checkedRows.Length,
            Caveat: null);
    }
}

using MInference.Prefill;
using MInference.Sparse.Prefill;

namespace MInference.Tests.Fuzz;

/// <summary>What the device computed for a case: the output buffer's bits, the log-sum-exp and, for a layer, the plan's report.</summary>
internal sealed record FuzzGpuResult(ushort[] OutputBits, float[] LogSumExp, SparsePrefillReport? Report);

/// <summary>Runs one case through its public GPU entry point, on buffers poisoned with NaN.</summary>
internal static class FuzzGpuRun
{
    private const byte NaNPoison = 0xFF; // 0xFFFF is NaN in fp16 and bf16, 0xFFFFFFFF in fp32.

    public static FuzzGpuResult Run(GpuContext context, FuzzCase fuzzCase, FuzzInputs inputs)
    {
        using DeviceBuffer qBuffer = Upload(context, inputs.QBits);
        using DeviceBuffer kBuffer = Upload(context, inputs.KBits);
        using DeviceBuffer vBuffer = Upload(context, inputs.VBits);
        TensorLayout outputLayout = fuzzCase.OutputLayout;
        long outputElements = fuzzCase.Layouts.Output.BufferElements(outputLayout);
        using var outputBuffer = new DeviceBuffer(context, outputElements * sizeof(ushort));
        outputBuffer.Fill(NaNPoison);
        long logSumExpLength = fuzzCase.WithLogSumExp ? (long)fuzzCase.Batch * fuzzCase.QHeads * fuzzCase.QueryLength : 0;
        using DeviceBuffer? logSumExp = fuzzCase.WithLogSumExp ? new DeviceBuffer(context, logSumExpLength * sizeof(float)) : null;
        logSumExp?.Fill(NaNPoison);

        var q = new DeviceTensor(qBuffer, fuzzCase.DType, fuzzCase.QueryLayout, fuzzCase.Layouts.Q.ElementOffset);
        var k = new DeviceTensor(kBuffer, fuzzCase.DType, fuzzCase.KeyLayout, fuzzCase.Layouts.K.ElementOffset);
        var v = new DeviceTensor(vBuffer, fuzzCase.DType, fuzzCase.ValueLayout, fuzzCase.Layouts.V.ElementOffset);
        var output = new DeviceTensor(outputBuffer, fuzzCase.DType, outputLayout, fuzzCase.Layouts.Output.ElementOffset);
        SparsePrefillReport? report = null;
        switch (fuzzCase.Operation)
        {
            case FuzzOperation.Dense:
                Attention.Dense(context, q, k, v, output, new DenseAttentionOptions { Causal = fuzzCase.Causal, SoftmaxScale = fuzzCase.SoftmaxScale }, logSumExp);
                break;
            case FuzzOperation.AShape:
                Attention.AShape(context, q, k, v, output, fuzzCase.AShape!.Value, fuzzCase.Heads, logSumExp);
                break;
            case FuzzOperation.Layer:
                using (SparsePrefillPlan plan = SparsePrefillPlan.Create(context, PrefillShape.Of(q, k), fuzzCase.Patterns, fuzzCase.Options))
                {
                    for (int run = 0; run < fuzzCase.Runs; run++)
                    {
                        plan.Run(q, k, v, output, logSumExp);
                    }

                    report = plan.ReadReport();
                }

                break;
        }

        context.Synchronize();
        var outputBits = new ushort[outputElements];
        outputBuffer.CopyToHost<ushort>(outputBits);
        var logSumExpValues = new float[logSumExpLength];
        logSumExp?.CopyToHost<float>(logSumExpValues);
        return new FuzzGpuResult(outputBits, logSumExpValues, report);
    }

    private static DeviceBuffer Upload(GpuContext context, ushort[] bits)
    {
        var buffer = new DeviceBuffer(context, (long)bits.Length * sizeof(ushort));
        buffer.CopyFromHost<ushort>(bits);
        return buffer;
    }
}

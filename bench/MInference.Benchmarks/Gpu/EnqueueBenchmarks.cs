using BenchmarkDotNet.Attributes;

namespace MInference.Benchmarks.Gpu;

/// <summary>
/// Host cost of one attention launch on a tiny layer (B = 1, 4 heads over 2 kv heads, N = 128,
/// D = 64, bf16), where the kernel takes a few microseconds: validation, operand description,
/// handle leases and the native call, without waiting for the kernel.
/// </summary>
public class EnqueueBenchmarks : GpuBenchmark
{
    private static readonly AShapeOptions s_aShape = new(SinkTokens: 16, LocalWindow: 64);
    private DeviceLayer _layer = null!;
    private int[] _heads = [];

    [Benchmark]
    public void Dense() => Attention.Dense(Context, _layer.Q, _layer.K, _layer.V, _layer.Output, new DenseAttentionOptions { Causal = true });

    [Benchmark]
    public void DenseWithLogSumExp() =>
        Attention.Dense(Context, _layer.Q, _layer.K, _layer.V, _layer.Output, new DenseAttentionOptions { Causal = true }, _layer.LogSumExp);

    [Benchmark]
    public void AShapeAllHeads() => Attention.AShape(Context, _layer.Q, _layer.K, _layer.V, _layer.Output, s_aShape);

    [Benchmark]
    public void AShapeHeadList() => Attention.AShape(Context, _layer.Q, _layer.K, _layer.V, _layer.Output, s_aShape, _heads);

    protected override void SetUpDevice()
    {
        _layer = new DeviceLayer(Context, SyntheticLayer.Create(heads: 4, kvHeads: 2, sequenceLength: 128, headDim: 64));
        _heads = [0, 2];
    }

    protected override void TearDownDevice() => _layer.Dispose();
}

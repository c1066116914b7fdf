// A consumer of the packed MInference NuGet package, compiled into a fresh `dotnet new console` app
// by run.sh (CI, CPU) and pack-for-gpu.sh (published for the GPU machine). It uses only the public
// API, as a user's project would. Exit codes: 0 all checks passed, 1 a check failed, 2 the GPU was
// asked for and is unavailable.
//
//   Consumer                           CPU backend against attention computed here, directly
//   Consumer --expect-native-library   ... and libminference must load from the package
//   Consumer --gpu                     ... and the GPU kernel (bf16, fp16) against the CPU backend
using MInference;

bool runGpu = args.Contains("--gpu");
bool expectNativeLibrary = runGpu || args.Contains("--expect-native-library");
bool passed = true;

GpuBackendInfo probe = GpuBackend.Probe();
Console.WriteLine(probe.Library is { } library
    ? $"libminference {library.Version} loaded from {library.Path}"
    : "libminference not loaded");
Console.WriteLine(probe.IsAvailable ? $"GPU backend: {probe.Devices[0].Name}" : $"GPU backend unavailable: {probe.UnavailableReason}");
if (expectNativeLibrary && probe.Library is null)
{
    Console.Error.WriteLine("FAIL: the package's native library did not load");
    passed = false;
}

// CPU backend against the definition, on a small causal GQA shape.
{
    var shape = new Shape(Batch: 1, Heads: 4, KvHeads: 2, Seq: 96, HeadDim: 64);
    var (q, k, v) = (Normal(shape.QueryCount, seed: 1), Normal(shape.KeyValueCount, seed: 2), Normal(shape.KeyValueCount, seed: 3));
    float[] output = CpuDense(shape, q, k, v);
    double maxAbs = MaxAbsoluteDifference(output, DirectAttention(shape, q, k, v));
    passed &= Report($"CPU backend vs direct computation, {shape}", maxAbs, limit: 1e-5);
}

if (runGpu)
{
    if (!probe.IsAvailable)
    {
        Console.Error.WriteLine($"FAIL: --gpu, but the GPU backend is unavailable: {probe.UnavailableReason}");
        return 2;
    }

    // Limits as in the repository's GPU tests: about ten units of the dtype's roundoff.
    foreach (var (dtype, limit) in new[] { (DType.BFloat16, 2e-2), (DType.Float16, 4e-3) })
    {
        var shape = new Shape(Batch: 1, Heads: 8, KvHeads: 2, Seq: 1024, HeadDim: 128);
        var (q, k, v) = (Normal(shape.QueryCount, seed: 4), Normal(shape.KeyValueCount, seed: 5), Normal(shape.KeyValueCount, seed: 6));
        // The kernel reads dtype-rounded inputs; the reference must see the same values.
        foreach (float[] input in new[] { q, k, v })
        {
            RoundTo(dtype, input);
        }

        float[] gpu = GpuDense(shape, dtype, q, k, v);
        ErrorStatistics errors = ErrorStatistics.Compare(gpu, CpuDense(shape, q, k, v));
        passed &= Report($"GPU {dtype} vs CPU backend, {shape}", errors.MaxAbsoluteError, limit);
    }
}

Console.WriteLine(passed ? "PASS" : "FAIL");
return passed ? 0 : 1;

static bool Report(string check, double maxAbs, double limit)
{
    bool ok = maxAbs <= limit;
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {check}: max-abs {maxAbs:E2} (limit {limit:E0})");
    return ok;
}

static float[] CpuDense(Shape shape, float[] q, float[] k, float[] v)
{
    var output = new float[shape.QueryCount];
    CpuAttention.Dense(
        new ReadOnlyHostTensor(q, shape.QueryLayout),
        new ReadOnlyHostTensor(k, shape.KeyValueLayout),
        new ReadOnlyHostTensor(v, shape.KeyValueLayout),
        new HostTensor(output, shape.QueryLayout),
        new DenseAttentionOptions { Causal = true });
    return output;
}

static float[] GpuDense(Shape shape, DType dtype, float[] q, float[] k, float[] v)
{
    using var context = new GpuContext();
    using DeviceBuffer qBuffer = Upload(context, dtype, q);
    using DeviceBuffer kBuffer = Upload(context, dtype, k);
    using DeviceBuffer vBuffer = Upload(context, dtype, v);
    using var outputBuffer = new DeviceBuffer(context, shape.QueryCount * sizeof(ushort));
    Attention.Dense(
        context,
        new DeviceTensor(qBuffer, dtype, shape.QueryLayout),
        new DeviceTensor(kBuffer, dtype, shape.KeyValueLayout),
        new DeviceTensor(vBuffer, dtype, shape.KeyValueLayout),
        new DeviceTensor(outputBuffer, dtype, shape.QueryLayout),
        new DenseAttentionOptions { Causal = true });
    var bits = new ushort[shape.QueryCount];
    outputBuffer.CopyToHost<ushort>(bits);
    var output = new float[bits.Length];
    HalfPrecision.Decode(bits, output, dtype);
    return output;
}

static DeviceBuffer Upload(GpuContext context, DType dtype, float[] values)
{
    var bits = new ushort[values.Length];
    HalfPrecision.Encode(values, bits, dtype);
    var buffer = new DeviceBuffer(context, bits.Length * sizeof(ushort));
    buffer.CopyFromHost<ushort>(bits);
    return buffer;
}

static void RoundTo(DType dtype, float[] values)
{
    var bits = new ushort[values.Length];
    HalfPrecision.Encode(values, bits, dtype);
    HalfPrecision.Decode(bits, values, dtype);
}

// softmax(q kᵀ / sqrt(D), causal) v in double, query head h reading key/value head h / (H / Hkv).
static float[] DirectAttention(Shape shape, float[] q, float[] k, float[] v)
{
    var output = new float[shape.QueryCount];
    int n = shape.Seq, d = shape.HeadDim, group = shape.Heads / shape.KvHeads;
    double scale = 1 / Math.Sqrt(d);
    var scores = new double[n];
    for (int b = 0; b < shape.Batch; b++)
    {
        for (int h = 0; h < shape.Heads; h++)
        {
            int qBase = (b * shape.Heads + h) * n * d, kvBase = (b * shape.KvHeads + h / group) * n * d;
            for (int i = 0; i < n; i++)
            {
                double max = double.NegativeInfinity;
                for (int j = 0; j <= i; j++)
                {
                    double dot = 0;
                    for (int c = 0; c < d; c++)
                    {
                        dot += (double)q[qBase + i * d + c] * k[kvBase + j * d + c];
                    }

                    scores[j] = dot * scale;
                    max = Math.Max(max, scores[j]);
                }

                double sum = 0;
                for (int j = 0; j <= i; j++)
                {
                    scores[j] = Math.Exp(scores[j] - max);
                    sum += scores[j];
                }

                for (int c = 0; c < d; c++)
                {
                    double acc = 0;
                    for (int j = 0; j <= i; j++)
                    {
                        acc += scores[j] * v[kvBase + j * d + c];
                    }

                    output[qBase + i * d + c] = (float)(acc / sum);
                }
            }
        }
    }

    return output;
}

static double MaxAbsoluteDifference(float[] actual, float[] expected) =>
    actual.Zip(expected, (a, e) => Math.Abs((double)a - e)).Max();

// N(0, 1) values (Box-Muller), as the repository's tests use.
static float[] Normal(int count, int seed)
{
    var random = new Random(seed);
    var values = new float[count];
    for (int i = 0; i < count; i++)
    {
        values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
    }

    return values;
}

/// <summary>An attention problem in [batch, heads, seq, head_dim] order, contiguous.</summary>
internal readonly record struct Shape(int Batch, int Heads, int KvHeads, int Seq, int HeadDim)
{
    public int QueryCount => Batch * Heads * Seq * HeadDim;

    public int KeyValueCount => Batch * KvHeads * Seq * HeadDim;

    public TensorLayout QueryLayout => TensorLayout.Bhsd(Batch, Heads, Seq, HeadDim);

    public TensorLayout KeyValueLayout => TensorLayout.Bhsd(Batch, KvHeads, Seq, HeadDim);

    public override string ToString() => $"B={Batch} H={Heads} Hkv={KvHeads} N={Seq} D={HeadDim} causal";
}

using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Tests.Fuzz;

/// <summary>
/// Invalid operands, without a GPU: a valid fuzzed case (<see cref="FuzzCaseGenerator"/>) with one
/// seeded mutation (a shape, stride, dtype, head ratio, alignment, bound, overlap, log-sum-exp,
/// option or pattern rule broken), checked by exactly the validation its public entry point runs
/// before any launch (<see cref="OperandCall.Validate"/>; the overlap rules live there too, on
/// storage identities, so they need no device). Each must fail with ArgumentException or
/// NotSupportedException (the library's typed errors), never anything else. Plus the public host
/// API (<see cref="CpuAttention"/>, <see cref="TensorLayout"/>, <see cref="HostTensor"/>) on bad shapes and overlapping memory.
/// </summary>
public sealed class InvalidOperandFuzzTests
{
    public const int Cases = 300;
    private const int HostCases = 60;
    private const int MasterSeed = 8_2026;

    [Test]
    public void EveryMutatedOperandSetIsRejectedWithATypedError()
    {
        var master = new Random(MasterSeed);
        InvalidCase[] cases = Enumerable.Range(0, Cases).Select(_ => Mutate(master.Next())).ToArray();
        InvalidCase.AssertAllRejected(cases, Cases);
    }

    [Test]
    public void EveryBadHostCallIsRejectedWithATypedError()
    {
        var master = new Random(MasterSeed + 1);
        InvalidCase[] cases = Enumerable.Range(0, HostCases).Select(_ => MutateHost(master.Next())).ToArray();
        InvalidCase.AssertAllRejected(cases, HostCases);
    }

    /// <summary>One mutation of a valid call, chosen and sized by <paramref name="seed"/>.</summary>
    internal static InvalidCase Mutate(int seed)
    {
        var random = new Random(seed);
        FuzzCase valid = FuzzCaseGenerator.Create(random.Next(), FuzzProfile.Gpu);
        OperandCall call = OperandCall.Of(valid);
        Type argument = typeof(ArgumentException), notSupported = typeof(NotSupportedException);
        (string what, OperandCall? bad, Type expected) = random.Next(17) switch
        {
            0 => ("q dtype Float32", call with { Q = call.Q with { DType = DType.Float32 } }, notSupported),
            1 => Pick(random, ["k", "v", "output"]) is var name ? ($"{name} of another dtype", WithOperand(call, name, o => o with { DType = Other(o.DType) }), argument) : default,
            2 => UnsupportedHeadDim(random, call) is var (dim, mutated) ? ($"head_dim {dim}", mutated, notSupported) : default,
            3 => ($"rank {(random.Next(2) == 0 ? 3 : 5)} q", call with { Q = call.Q with { Layout = OtherRank(random, call.Q.Layout) } }, argument),
            4 => Pick(random, ["q", "k", "v", "output"]) is var name ? ($"{name} with a zero length", WithOperand(call, name, o => o with { Layout = Resized(o.Layout, random.Next(4), 0) }), argument) : default,
            5 => Pick(random, ["k", "v", "output"]) is var name && random.Next(4) is var dimension
                ? ($"{name} dimension {dimension} one longer", WithOperand(call, name, o => o with { Layout = Resized(o.Layout, dimension, o.Layout.Lengths[dimension] + 1), StorageLengthInBytes = long.MaxValue / 4 }), argument)
                : default,
            6 => HeadRatio(random, call),
            7 => ("causal with q_len > kv_len", CausalLonger(call), argument),
            8 => Pick(random, ["q", "k", "v", "output"]) is var name ? ($"{name} head_dim stride 2", WithOperand(call, name, o => o with { Layout = Restrided(o.Layout, 3, 2), StorageLengthInBytes = long.MaxValue / 4 }), argument) : default,
            9 => Pick(random, ["q", "k", "v", "output"]) is var name && random.Next(3) is var dimension && 1 + random.Next(7) is var odd
                ? ($"{name} stride {dimension} + {odd}", WithOperand(call, name, o => o with { Layout = Restrided(o.Layout, dimension, o.Layout.Strides[dimension] + odd), StorageLengthInBytes = long.MaxValue / 4 }), argument)
                : default,
            10 => Pick(random, ["q", "k", "v", "output"]) is var name && 1 + random.Next(7) is var shift
                ? ($"{name} offset + {shift} (misaligned)", WithOperand(call, name, o => o with { ElementOffset = o.ElementOffset + shift, StorageLengthInBytes = o.StorageLengthInBytes + 16 }), argument)
                : default,
            11 => Pick(random, ["q", "k", "v", "output"]) is var name && 1 + random.Next(64) is var missing
                ? ($"{name}'s buffer {missing} bytes short", WithOperand(call, name, o => o with { StorageLengthInBytes = o.StorageLengthInBytes - missing }), argument)
                : default,
            12 => Overlap(random, call),
            13 => SelfOverlap(random, call),
            14 => LogSumExp(random, call),
            15 => SoftmaxScale(random, call),
            _ => OperationRule(random, call),
        };
        if (bad is null)
        {
            // A mutation that does not apply to this case (say, a self-overlap of a 1-element output): a plain dtype error instead.
            (what, bad, expected) = ("q dtype Float32", call with { Q = call.Q with { DType = DType.Float32 } }, notSupported);
        }

        return new InvalidCase($"operand seed {seed}: {what} on {valid}", bad.Validate, expected);
    }

    private static InvalidCase MutateHost(int seed)
    {
        var random = new Random(seed);
        int n = 1 + random.Next(40), d = 8 * (1 + random.Next(4)), h = 1 + random.Next(4);
        float[] data = new float[4 * h * n * d * 2];
        TensorLayout layout = TensorLayout.Bhsd(1, h, n, d);
        ReadOnlyHostTensor Input(int offset = 0, TensorLayout? other = null) => new(data.AsMemory(offset), other ?? layout);
        Type argument = typeof(ArgumentException);
        return random.Next(6) switch
        {
            0 => new InvalidCase($"host seed {seed}: negative length", () => _ = new TensorLayout([1, h, -n, d], [h * n * d, n * d, d, 1]), argument),
            1 => new InvalidCase($"host seed {seed}: rank mismatch", () => _ = new TensorLayout([1, h, n, d], [n * d, d, 1]), argument),
            2 => new InvalidCase($"host seed {seed}: memory too short", () => _ = new HostTensor(new float[layout.ElementCount - 1 - random.Next((int)Math.Min(layout.ElementCount - 1, 100))], layout), argument),
            3 => new InvalidCase($"host seed {seed}: output overlapping q", () => CpuAttention.Dense(Input(), Input(), Input(), new HostTensor(data.AsMemory(random.Next(h * n * d)), layout)), argument),
            4 => new InvalidCase($"host seed {seed}: k of another head_dim", () => CpuAttention.Dense(Input(), Input(0, TensorLayout.Bhsd(1, h, n, d + 8)), Input(), new HostTensor(new float[data.Length], layout)), argument),
            _ => new InvalidCase($"host seed {seed}: causal q_len > kv_len", () => CpuAttention.Dense(Input(), Input(0, TensorLayout.Bhsd(1, h, Math.Max(1, n - 1 - random.Next(n)), d)), Input(0, TensorLayout.Bhsd(1, h, Math.Max(1, n - 1), d)), new HostTensor(new float[data.Length], layout), new DenseAttentionOptions { Causal = true }), argument),
        };
    }

    private static string Pick(Random random, string[] names) => names[random.Next(names.Length)];

    private static DType Other(DType dtype) => dtype == DType.BFloat16 ? DType.Float16 : DType.BFloat16;

    private static OperandCall WithOperand(OperandCall call, string name, Func<DeviceOperand, DeviceOperand> change) => name switch
    {
        "q" => call with { Q = change(call.Q) },
        "k" => call with { K = change(call.K) },
        "v" => call with { V = change(call.V) },
        _ => call with { Output = change(call.Output) },
    };

    private static TensorLayout Resized(TensorLayout layout, int dimension, nint length)
    {
        nint[] lengths = layout.Lengths.ToArray();
        lengths[dimension] = length;
        return new TensorLayout(lengths, layout.Strides);
    }

    private static TensorLayout Restrided(TensorLayout layout, int dimension, nint stride)
    {
        nint[] strides = layout.Strides.ToArray();
        strides[dimension] = stride;
        return new TensorLayout(layout.Lengths, strides);
    }

    private static TensorLayout OtherRank(Random random, TensorLayout layout) => random.Next(2) == 0
        ? new TensorLayout(layout.Lengths[1..], layout.Strides[1..])
        : new TensorLayout([1, .. layout.Lengths], [layout.Strides[0] * layout.Lengths[0], .. layout.Strides]);

    private static (int Dim, OperandCall Call)? UnsupportedHeadDim(Random random, OperandCall call)
    {
        int[] dims = [.. FuzzHeadDims.Unsupported, .. new[] { 8, 16, 32, 48, 72, 80, 112, 136, 160, 192, 512 }.Except(FuzzHeadDims.Supported)];
        int dim = dims[random.Next(dims.Length)];
        DeviceOperand Change(DeviceOperand o) => o with { Layout = Resized(o.Layout, 3, dim), StorageLengthInBytes = long.MaxValue / 4 };
        return (dim, call with { Q = Change(call.Q), K = Change(call.K), V = Change(call.V), Output = Change(call.Output), Shape = call.Shape with { HeadDim = dim } });
    }

    /// <summary>k and v with a head count that does not divide q's.</summary>
    private static (string, OperandCall, Type) HeadRatio(Random random, OperandCall call)
    {
        long qHeads = call.Q.Layout.Lengths[1];
        long kvHeads = qHeads + 1 + random.Next(3);
        DeviceOperand Change(DeviceOperand o) => o with { Layout = Resized(o.Layout, 1, (nint)kvHeads), StorageLengthInBytes = long.MaxValue / 4 };
        return ($"{qHeads} q heads over {kvHeads} kv heads", call with { K = Change(call.K), V = Change(call.V), Shape = call.Shape with { KvHeads = (int)kvHeads } }, typeof(ArgumentException));
    }

    private static OperandCall CausalLonger(OperandCall call)
    {
        nint longer = call.K.Layout.Lengths[2] + 1;
        DeviceOperand Change(DeviceOperand o) => o with { Layout = Resized(o.Layout, 2, longer), StorageLengthInBytes = long.MaxValue / 4 };
        return call with { Dense = call.Dense with { Causal = true }, Q = Change(call.Q), Output = Change(call.Output) };
    }

    /// <summary>The output placed in an input's buffer, overlapping its bytes.</summary>
    private static (string, OperandCall, Type) Overlap(Random random, OperandCall call)
    {
        string name = Pick(random, ["q", "k", "v"]);
        DeviceOperand input = name switch { "q" => call.Q, "k" => call.K, _ => call.V };
        long inputEnd = input.ElementOffset + input.Layout.RequiredElementCount;
        long outputSpan = call.Output.Layout.RequiredElementCount;
        // A start, 16-byte aligned, from (input start - output span) exclusive to the input's end exclusive: the ranges intersect.
        long lowest = Math.Max(0, input.ElementOffset - outputSpan + 1);
        long start = (lowest + (long)(random.NextDouble() * (inputEnd - lowest))) / 8 * 8;
        start = Math.Max(start, lowest + 7) / 8 * 8 >= inputEnd ? input.ElementOffset / 8 * 8 : Math.Max(start, (lowest + 7) / 8 * 8);
        DeviceOperand output = call.Output with { Storage = input.Storage, ElementOffset = start, StorageLengthInBytes = long.MaxValue / 4 };
        DeviceOperand widened = input with { StorageLengthInBytes = long.MaxValue / 4 };
        OperandCall bad = WithOperand(call, name, _ => widened) with { Output = output };
        return ($"output at element {start} of {name}'s buffer (holding elements [{input.ElementOffset}, {inputEnd}))", bad, typeof(ArgumentException));
    }

    /// <summary>An output layout that maps two elements to one address (a zero stride on a dimension longer than 1).</summary>
    private static (string, OperandCall?, Type) SelfOverlap(Random random, OperandCall call)
    {
        int[] dimensions = Enumerable.Range(0, 3).Where(d => call.Output.Layout.Lengths[d] > 1).ToArray();
        if (dimensions.Length == 0)
        {
            return (string.Empty, null, typeof(ArgumentException));
        }

        int dimension = dimensions[random.Next(dimensions.Length)];
        return ($"output stride {dimension} = 0", call with { Output = call.Output with { Layout = Restrided(call.Output.Layout, dimension, 0) } }, typeof(ArgumentException));
    }

    private static (string, OperandCall, Type) LogSumExp(Random random, OperandCall call)
    {
        long bytes = call.Q.Layout.Lengths[0] * call.Q.Layout.Lengths[1] * call.Q.Layout.Lengths[2] * sizeof(float);
        if (random.Next(2) == 0)
        {
            long missing = 1 + random.Next(16);
            return ($"log-sum-exp {missing} bytes short", call with { LogSumExp = new LogSumExpTarget(new object(), bytes - missing) }, typeof(ArgumentException));
        }

        string name = Pick(random, ["q", "k", "v", "output"]);
        DeviceOperand operand = name switch { "q" => call.Q, "k" => call.K, "v" => call.V, _ => call.Output };
        return ($"log-sum-exp in {name}'s buffer", call with { LogSumExp = new LogSumExpTarget(operand.Storage, Math.Max(bytes, operand.StorageLengthInBytes)) }, typeof(ArgumentException));
    }

    private static (string, OperandCall, Type) SoftmaxScale(Random random, OperandCall call)
    {
        float[] scales = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0.125f, -1e-30f];
        float scale = scales[random.Next(scales.Length)];
        OperandCall bad = call.Operation == FuzzOperation.AShape
            ? call with { AShape = call.AShape with { SoftmaxScale = scale } }
            : call with { Operation = FuzzOperation.Dense, Dense = call.Dense with { SoftmaxScale = scale } };
        return ($"softmax scale {scale}", bad, typeof(ArgumentOutOfRangeException));
    }

    /// <summary>A rule of the call's own entry point: A-shape sizes and head lists, or the layer's q_len, patterns, options and shape.</summary>
    private static (string, OperandCall, Type) OperationRule(Random random, OperandCall call)
    {
        Type argument = typeof(ArgumentException), outOfRange = typeof(ArgumentOutOfRangeException);
        int qHeads = (int)call.Q.Layout.Lengths[1];
        if (call.Operation == FuzzOperation.AShape)
        {
            return random.Next(4) switch
            {
                0 => ("A-shape sink -1", call with { AShape = call.AShape with { SinkTokens = -1 } }, outOfRange),
                1 => ("A-shape window 0", call with { AShape = call.AShape with { LocalWindow = random.Next(2) == 0 ? 0 : -5 } }, outOfRange),
                2 => ("A-shape sink 2^30 + 1", call with { AShape = call.AShape with { SinkTokens = AShapeOptions.MaxSize + 1 } }, outOfRange),
                _ => random.Next(2) == 0
                    ? ($"A-shape head {qHeads} listed", call with { Heads = [.. call.Heads, qHeads] }, argument)
                    : ("A-shape head 0 listed twice", call with { Heads = [0, 0] }, argument),
            };
        }

        OperandCall layer = call with { Operation = FuzzOperation.Layer };
        if (call.Operation == FuzzOperation.Dense || call.Patterns.Count != qHeads)
        {
            // A dense case as a layer: square and causal, with dense heads.
            layer = layer with { Patterns = Enumerable.Repeat<HeadPattern>(new DensePattern(), qHeads).ToArray() };
        }

        return random.Next(8) switch
        {
            0 => ("layer with q_len != kv_len", CausalLonger(layer) with { Shape = layer.Shape }, argument),
            1 => ($"{qHeads - 1} patterns for {qHeads} heads", layer with { Patterns = layer.Patterns.Take(qHeads - 1).ToArray() }, argument),
            2 => ("a null pattern", layer with { Patterns = [.. layer.Patterns.Take(qHeads - 1), null!] }, argument),
            3 => ("MaxDensity out of [0, 1]", layer with { Options = layer.Options with { MaxDensity = random.Next(2) == 0 ? double.NaN : 1 + random.NextDouble() } }, outOfRange),
            4 => ("negative MinSequenceLength", layer with { Options = layer.Options with { MinSequenceLength = -1 - random.Next(100) } }, outOfRange),
            5 => ("negative MaxIndexBytes", layer with { Options = layer.Options with { MaxIndexBytes = -1 } }, outOfRange),
            6 => ("shape of another dtype", layer with { Shape = layer.Shape with { DType = Other(layer.Shape.DType) } }, argument),
            _ => ("shape with 1025 heads", layer with { Shape = layer.Shape with { QHeads = 1025 * layer.Shape.KvHeads } }, argument),
        };
    }
}

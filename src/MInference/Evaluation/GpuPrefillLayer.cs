using MInference.Prefill;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Evaluation;

/// <summary>
/// A layer uploaded to the GPU: q, k, v, the output and the log-sum-exp live on the device until
/// disposed. A timed sparse run is timed without extras (no step events, no index copies), then run
/// once more with step times and index copies for the report; the kernels are deterministic, so that
/// last run's output is the timed runs' output. An untimed run is only the reporting run.
/// </summary>
internal sealed class GpuPrefillLayer : IPrefillLayer
{
    private readonly GpuPrefillBackend _backend;
    private readonly List<DeviceBuffer> _buffers = [];
    private readonly DeviceTensor _q;
    private readonly DeviceTensor _k;
    private readonly DeviceTensor _v;
    private readonly DeviceTensor _output;
    private readonly DeviceBuffer _logSumExp;

    public GpuPrefillLayer(GpuPrefillBackend backend, LayerInputs inputs)
    {
        _backend = backend;
        Inputs = inputs;
        try
        {
            _q = Upload(inputs.Q);
            _k = Upload(inputs.K);
            _v = Upload(inputs.V);
            _output = new DeviceTensor(Allocate(inputs.OutputLayout.ElementCount * sizeof(ushort)), inputs.DType, inputs.OutputLayout);
            _logSumExp = Allocate((long)inputs.BatchSize * inputs.Heads * inputs.SequenceLength * sizeof(float));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public LayerInputs Inputs { get; }

    private GpuContext Context => _backend.Context;

    public LayerRun Dense(bool timed = true)
    {
        var options = new DenseAttentionOptions { Causal = true };
        void Run() => Attention.Dense(Context, _q, _k, _v, _output, options, _logSumExp);
        double milliseconds = double.NaN;
        if (timed)
        {
            milliseconds = Time(Run);
        }
        else
        {
            Run();
        }

        HeadRun[] runs = Enumerable.Range(0, Inputs.Heads).Select(head => new HeadRun(head, new DensePattern(), null, 1, VisibleKeys.DenseCausal)).ToArray();
        (float[] output, float[] logSumExp) = Download();
        return new LayerRun(output, logSumExp, runs, milliseconds);
    }

    public LayerRun Sparse(IReadOnlyList<HeadPattern> headPatterns, SparsePrefillOptions options, bool timed = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        double milliseconds = double.NaN;
        var shape = PrefillShape.Of(_q, _k);
        if (timed)
        {
            // One plan, run as a serving engine would run it: from its second run on the same
            // buffers it replays the layer as a CUDA graph.
            using var plain = SparsePrefillPlan.Create(Context, shape, headPatterns, options with { MeasureStepTimes = false, KeepIndices = false, ExactDensity = false });
            milliseconds = Time(() => plain.Run(_q, _k, _v, _output, _logSumExp));
        }

        using var reporting = SparsePrefillPlan.Create(Context, shape, headPatterns, options with { KeepIndices = true });
        reporting.Run(_q, _k, _v, _output, _logSumExp);
        SparsePrefillReport report = reporting.ReadReport();
        (float[] output, float[] logSumExp) = Download();
        return new LayerRun(output, logSumExp, HeadRuns(report), milliseconds, report.StepTimes);
    }

    public void Dispose()
    {
        foreach (DeviceBuffer buffer in _buffers)
        {
            buffer.Dispose();
        }
    }

    private static HeadRun[] HeadRuns(SparsePrefillReport report)
    {
        var runs = new HeadRun[report.HeadCount];
        foreach (PatternGroupReport group in report.Groups)
        {
            ReadOnlySpan<int> heads = group.Heads.Span;
            ReadOnlySpan<double> densities = group.Densities.Span;
            int[] sparseHeads = group.SparseHeads.ToArray();
            for (int i = 0; i < heads.Length; i++)
            {
                int head = heads[i];
                DenseFallbackReason? reason = group.Fallbacks.Where(fallback => fallback.Head == head).Select(fallback => (DenseFallbackReason?)fallback.Reason).FirstOrDefault();
                Func<int, int[]> visible = sparseHeads.Contains(head) ? group.Pattern.VisibleKeysOf(group, head) : VisibleKeys.DenseCausal;
                runs[head] = new HeadRun(head, group.Pattern, reason, densities[i], visible);
            }
        }

        return runs;
    }

    /// <summary>One warm-up call, then the median of the backend's timed runs between CUDA events.</summary>
    private double Time(Action call)
    {
        call();
        using var timer = new GpuTimer(Context);
        var milliseconds = new double[_backend.TimedRuns];
        for (int i = 0; i < milliseconds.Length; i++)
        {
            timer.Start();
            call();
            milliseconds[i] = timer.Stop();
        }

        Array.Sort(milliseconds);
        int middle = milliseconds.Length / 2;
        return milliseconds.Length % 2 == 1 ? milliseconds[middle] : (milliseconds[middle - 1] + milliseconds[middle]) / 2;
    }

    private DeviceTensor Upload(ReadOnlyHostTensor tensor)
    {
        var bits = new ushort[tensor.Data.Length];
        HalfPrecision.Encode(tensor.Data.Span, bits, Inputs.DType);
        DeviceBuffer buffer = Allocate(bits.LongLength * sizeof(ushort));
        buffer.CopyFromHost<ushort>(bits);
        return new DeviceTensor(buffer, Inputs.DType, tensor.Layout);
    }

    private DeviceBuffer Allocate(long bytes)
    {
        var buffer = new DeviceBuffer(Context, Math.Max(bytes, 1));
        _buffers.Add(buffer);
        return buffer;
    }

    private (float[] Output, float[] LogSumExp) Download()
    {
        var bits = new ushort[Inputs.OutputLayout.ElementCount];
        _output.Buffer.CopyToHost<ushort>(bits);
        var output = new float[bits.Length];
        HalfPrecision.Decode(bits, output, Inputs.DType);
        var logSumExp = new float[_logSumExp.LengthInBytes / sizeof(float)];
        _logSumExp.CopyToHost<float>(logSumExp);
        return (output, logSumExp);
    }
}

using MInference.Interop;
using MInference.Sparse;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Prefill;

/// <summary>
/// One layer's dynamic sparse prefill, planned once per (shape, dtype, head patterns, options) and
/// run as often as needed. Creation settles everything the host can know in advance: which heads
/// may run their pattern (the cost model and the user's limits), the layout of one workspace that
/// holds every index, score and route of the layer (allocated once, or the caller's), and the
/// launches. <see cref="Run"/> then only enqueues kernels on the context's stream: no allocation,
/// no host read-back, no synchronisation, so a layer can overlap other work and be captured into a
/// CUDA graph (<see cref="CaptureGraph"/>). Heads whose fallback depends on an estimate (vertical-
/// slash) are routed on the device: the sparse launch and the layer's dense launch each skip the
/// heads the other computes. <see cref="ReadReport"/> waits for the run and says what ran.
/// </summary>
/// <remarks>
/// Not thread-safe, like its <see cref="GpuContext"/>. The workspace belongs to the plan between
/// runs (its route codes and indices are read by the report). With
/// <see cref="SparsePrefillOptions.MeasureStepTimes"/> every step is timed with events and waited
/// for: use that for benchmarks, never while capturing.
/// </remarks>
public sealed class SparsePrefillPlan : IDisposable
{
    private readonly GpuContext _context;
    private readonly GroupPlan[] _groups;
    private readonly int[] _staticDenseHeads;
    private readonly int[] _staticDenseCodes;
    private readonly int[] _denseLaunchHeads;
    private readonly bool _denseLaunchRouted;
    private readonly DeviceBuffer _workspace;
    private readonly bool _ownsWorkspace;
    private readonly long _routeCodes;
    private readonly PlanRun _run = new();
    private readonly GroupStreams? _streams;
    private readonly SparsePrefillStepTimes[] _times;
    private readonly int _launches;
    private PrefillGraph? _replay;
    private OperandKey _replayKey;
    private OperandKey _lastKey;
    private float _denseMilliseconds;
    private bool _ran;

    private SparsePrefillPlan(GpuContext context, GroupPlanContext plan, GroupPlan[] groups, DeviceBuffer? workspace)
    {
        _context = context;
        Shape = plan.Problem;
        DType = plan.DType;
        Options = plan.Options;
        _groups = groups;
        _times = new SparsePrefillStepTimes[groups.Length];

        _staticDenseHeads = groups.SelectMany(group => group.StaticDenseHeads).Order().ToArray();
        int[] routed = groups.SelectMany(group => group.DeviceRoutedHeads).ToArray();
        _denseLaunchHeads = _staticDenseHeads.Concat(routed).Order().ToArray();
        _denseLaunchRouted = routed.Length > 0;
        _staticDenseCodes = _staticDenseHeads.Select(_ => (int)MiRouteCode.Dense).ToArray();
        _launches = groups.Sum(group => group.AttentionLaunches) + (_denseLaunchHeads.Length == 0 ? 0 : 1);

        context.MakeCurrent();
        PlanWorkspace layout = Reserve(plan, groups, out _routeCodes);
        WorkspaceBytes = layout.Bytes;
        if (workspace is not null)
        {
            workspace.RequireUsableOn(context, nameof(workspace));
            if (workspace.LengthInBytes < WorkspaceBytes)
            {
                throw new ArgumentException(
                    $"workspace holds {workspace.LengthInBytes} bytes; this plan needs {WorkspaceBytes} (SparsePrefillPlan.WorkspaceSize)", nameof(workspace));
            }
        }

        try
        {
            _streams = Options.ConcurrentGroups && groups.Length > 1 ? new GroupStreams(groups.Length) : null;
            _ownsWorkspace = workspace is null;
            _workspace = workspace ?? new DeviceBuffer(context, WorkspaceBytes);

            // Zeroed once: a report reads back index rows and counts that no run writes (the rows of a
            // head routed to dense, an index's unused capacity), and must see zeros there rather than
            // uninitialised memory. Runs themselves never depend on it.
            using var memory = new SafeHandleLease(_workspace.Memory);
            MiStatus.ThrowIfFailed(MiNative.mi_memset(memory.Value, 0, WorkspaceBytes, context.Stream.Handle));
        }
        catch
        {
            // Nothing the plan made outlives a failed creation (streams, an allocated workspace).
            Dispose();
            throw;
        }
    }

    /// <summary>The layer's shape the plan runs.</summary>
    internal CausalProblem Shape { get; }

    /// <summary>The element type of q, k, v and the output.</summary>
    public DType DType { get; }

    /// <summary>The policy the plan was made with.</summary>
    public SparsePrefillOptions Options { get; }

    /// <summary>Bytes of device workspace the plan uses.</summary>
    public long WorkspaceBytes { get; }

    /// <summary>Attention launches one run enqueues (estimation, index and route kernels not counted).</summary>
    public int AttentionLaunches => _launches;

    /// <summary>Plans a layer.</summary>
    /// <param name="context">The device and stream the plan runs on.</param>
    /// <param name="shape">The layer's operands: batch, heads, sequence length, head_dim, dtype.</param>
    /// <param name="headPatterns">One pattern per query head.</param>
    /// <param name="options">Null for the defaults (the H100 cost model).</param>
    /// <param name="workspace">A caller buffer of at least <see cref="WorkspaceSize"/> bytes, or null to allocate one (owned by the plan). Its first <see cref="WorkspaceSize"/> bytes are zeroed once, here (asynchronously on the context's stream).</param>
    /// <exception cref="ArgumentException">A shape rule is broken, the patterns do not cover every head, or the workspace is too small or from another device.</exception>
    /// <exception cref="NotSupportedException">The dtype or head_dim has no compiled kernel.</exception>
    /// <exception cref="DeviceOutOfMemoryException">The workspace does not fit.</exception>
    public static SparsePrefillPlan Create(
        GpuContext context, PrefillShape shape, IReadOnlyList<HeadPattern> headPatterns, SparsePrefillOptions? options = null, DeviceBuffer? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ThrowIfDisposed();
        (GroupPlanContext plan, GroupPlan[] groups) = Build(shape, headPatterns, options);
        return new SparsePrefillPlan(context, plan, groups, workspace);
    }

    /// <summary>The workspace a plan of these arguments needs, without allocating it.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Create"/>.</exception>
    public static long WorkspaceSize(GpuContext context, PrefillShape shape, IReadOnlyList<HeadPattern> headPatterns, SparsePrefillOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ThrowIfDisposed();
        (GroupPlanContext plan, GroupPlan[] groups) = Build(shape, headPatterns, options);
        context.MakeCurrent();
        return Reserve(plan, groups, out _).Bytes;
    }

    /// <summary>
    /// Enqueues the layer on the context's stream: kernel launches only (with
    /// <see cref="SparsePrefillOptions.MeasureStepTimes"/>, each step is also waited for). With
    /// <see cref="SparsePrefillOptions.ReplayGraphs"/> (the default), the second consecutive run on
    /// the same operands (buffers, offsets and layouts) captures the layer as a CUDA graph and every
    /// later run on them replays it: one launch instead of one per kernel. While the caller captures
    /// the stream itself, runs are always enqueued kernel by kernel, into the caller's graph.
    /// </summary>
    /// <param name="q">Queries, [B, H, N, D], of the planned shape and dtype (any strides <see cref="Attention.Dense"/> allows).</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="v">Values, [B, Hkv, N, D].</param>
    /// <param name="output">Written: [B, H, N, D].</param>
    /// <param name="logSumExp">Optional, written: fp32 [B, H, N] contiguous, natural log.</param>
    /// <exception cref="ArgumentException">An operand breaks a rule or differs from the planned shape or dtype.</exception>
    /// <exception cref="ObjectDisposedException">The plan, context or a buffer is disposed.</exception>
    /// <exception cref="CudaException">A launch failed.</exception>
    public void Run(DeviceTensor q, DeviceTensor k, DeviceTensor v, DeviceTensor output, DeviceBuffer? logSumExp = null)
    {
        ObjectDisposedException.ThrowIf(_workspace.IsDisposed, this);
        ValidateOperands(q, k, v, output, logSumExp);
        if (Options.MeasureStepTimes || !Options.ReplayGraphs)
        {
            Enqueue(q, k, v, output, logSumExp, timed: Options.MeasureStepTimes);
            return;
        }

        var key = OperandKey.Of(q, k, v, output, logSumExp);
        MiStatus.ThrowIfFailed(MiNative.mi_stream_is_capturing(_context.Stream.Handle, out int capturing));
        if (capturing != 0)
        {
            Enqueue(q, k, v, output, logSumExp, timed: false);
        }
        else if (_replay is not null && key == _replayKey)
        {
            _replay.Launch();
        }
        else if (key == _lastKey)
        {
            _replay?.Dispose();
            _replay = null;
            _replay = Capture(q, k, v, output, logSumExp);
            _replayKey = key;
            _replay.Launch();
        }
        else
        {
            Enqueue(q, k, v, output, logSumExp, timed: false);
        }

        _lastKey = key;
    }

    /// <summary>
    /// Records one run on these operands as a CUDA graph, to be replayed with
    /// <see cref="PrefillGraph.Launch"/>: a replay runs the same kernels on the same buffers (their
    /// contents may change between replays). Nothing runs during the capture.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Run"/>.</exception>
    /// <exception cref="CudaException">The capture failed (the stream is usable again).</exception>
    public PrefillGraph CaptureGraph(DeviceTensor q, DeviceTensor k, DeviceTensor v, DeviceTensor output, DeviceBuffer? logSumExp = null)
    {
        ObjectDisposedException.ThrowIf(_workspace.IsDisposed, this);
        ValidateOperands(q, k, v, output, logSumExp);
        return Capture(q, k, v, output, logSumExp);
    }

    /// <summary>Captures one run on operands already validated.</summary>
    private PrefillGraph Capture(DeviceTensor q, DeviceTensor k, DeviceTensor v, DeviceTensor output, DeviceBuffer? logSumExp)
    {
        _context.MakeCurrent();
        StreamHandle stream = _context.Stream.Handle;
        MiStatus.ThrowIfFailed(MiNative.mi_stream_begin_capture(stream));
        Exception? failure = null;
        bool ran = _ran;
        try
        {
            Enqueue(q, k, v, output, logSumExp, timed: false);
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        // The capture always ends, so the stream is usable again whatever happened inside; nothing
        // ran, so the workspace holds what the last real run left.
        MiStatusCode ended = MiNative.mi_stream_end_capture(stream, out GraphHandle graph);
        _ran = ran;
        if (failure is not null)
        {
            graph.Dispose();
            throw failure;
        }

        MiStatus.ThrowIfFailed(ended);
        return new PrefillGraph(_context, graph, () => _ran = true);
    }

    /// <summary>Waits for the last run and reports what it did: per group, the heads that ran sparse or dense and why, densities and step times.</summary>
    /// <exception cref="InvalidOperationException">The plan has not run yet.</exception>
    /// <exception cref="CudaException">The run failed on the device.</exception>
    public SparsePrefillReport ReadReport()
    {
        ObjectDisposedException.ThrowIf(_workspace.IsDisposed, this);
        if (!_ran)
        {
            throw new InvalidOperationException("the plan has not run yet: call Run first");
        }

        _context.Synchronize();
        var codes = new int[Shape.QHeads];
        _workspace.CopyToHost<int>(codes, _routeCodes);
        var readback = new PlanReadback(_workspace, codes);
        bool timed = Options.MeasureStepTimes;
        PatternGroupReport[] reports = _groups.Select((group, i) => group.Report(readback, timed ? _times[i] : null)).ToArray();
        int[] denseHeads = reports.SelectMany(report => report.DenseHeads.ToArray()).Order().ToArray();
        return new SparsePrefillReport(Shape, Options, reports, denseHeads, _launches, timed && denseHeads.Length > 0 ? _denseMilliseconds : null);
    }

    /// <summary>Destroys the replayed graph and frees the workspace when the plan allocated it.</summary>
    public void Dispose()
    {
        _replay?.Dispose();
        _streams?.Dispose();
        if (_ownsWorkspace)
        {
            _workspace?.Dispose();
        }
    }

    private static (GroupPlanContext Plan, GroupPlan[] Groups) Build(PrefillShape shape, IReadOnlyList<HeadPattern> headPatterns, SparsePrefillOptions? options)
    {
        ArgumentNullException.ThrowIfNull(shape);
        options ??= new SparsePrefillOptions();
        options.Validate(nameof(options));
        CausalProblem problem = shape.Validate(nameof(shape));
        PatternHeadGroup[] groups = SparsePrefillValidation.Group(headPatterns, problem.QHeads, nameof(headPatterns));
        var plan = new GroupPlanContext(problem, shape.DType, options, options.CostModel ?? PrefillCostModel.H100);
        return (plan, groups.Select(group => group.Pattern.CreateGroupPlan(plan, group.Heads.ToArray())).ToArray());
    }

    /// <summary>
    /// The workspace layout: the route codes, then each group's regions. Index regions are reserved
    /// at their worst case, or at one common share of it when the worst cases pass
    /// <see cref="SparsePrefillOptions.MaxIndexBytes"/>. Queries the native size calls (the
    /// context's device must be current).
    /// </summary>
    private static PlanWorkspace Reserve(GroupPlanContext plan, GroupPlan[] groups, out long routeCodes)
    {
        var layout = new PlanWorkspace();
        routeCodes = layout.Reserve((long)plan.Problem.Batch * plan.Problem.QHeads * sizeof(int));
        long indexBound = groups.Sum(group => group.IndexBoundBytes);
        double share = indexBound <= plan.Options.MaxIndexBytes ? 1 : plan.Options.MaxIndexBytes / (double)indexBound;
        foreach (GroupPlan group in groups)
        {
            group.Reserve(layout, share);
        }

        return layout;
    }

    private void ValidateOperands(DeviceTensor q, DeviceTensor k, DeviceTensor v, DeviceTensor output, DeviceBuffer? logSumExp)
    {
        AttentionOperandChecks.RequireUsable(_context, q, k, v, output, logSumExp);
        CausalProblem problem = SparsePrefillValidation.ValidateOperands(
            DeviceOperand.Of(q, nameof(q)), DeviceOperand.Of(k, nameof(k)), DeviceOperand.Of(v, nameof(v)), DeviceOperand.Of(output, nameof(output)),
            logSumExp is null ? null : new LogSumExpTarget(logSumExp, logSumExp.LengthInBytes));
        if (problem != Shape || q.DType != DType)
        {
            throw new ArgumentException(
                $"the operands are {q.DType} {PrefillShape.Describe(problem)}; this plan runs {DType} {PrefillShape.Describe(Shape)}", nameof(q));
        }
    }

    /// <summary>Enqueues one run on operands already validated (<see cref="ValidateOperands"/>: each public entry checks them once).</summary>
    private void Enqueue(DeviceTensor q, DeviceTensor k, DeviceTensor v, DeviceTensor output, DeviceBuffer? logSumExp, bool timed)
    {
        using var qMemory = new SafeHandleLease(q.Buffer.Memory);
        using var kMemory = new SafeHandleLease(k.Buffer.Memory);
        using var vMemory = new SafeHandleLease(v.Buffer.Memory);
        using var outputMemory = new SafeHandleLease(output.Buffer.Memory);
        using var logSumExpMemory = logSumExp is null ? default : new SafeHandleLease(logSumExp.Memory);
        using var workspaceMemory = new SafeHandleLease(_workspace.Memory);
        _run.Attention = new MiDenseAttentionArgs
        {
            DType = (MiDType)DType,
            Batch = Shape.Batch,
            QHeads = Shape.QHeads,
            KvHeads = Shape.KvHeads,
            QLen = Shape.SequenceLength,
            KvLen = Shape.SequenceLength,
            HeadDim = Shape.HeadDim,
            Q = MiTensorDescriptor.Of(q, qMemory.Value),
            K = MiTensorDescriptor.Of(k, kMemory.Value),
            V = MiTensorDescriptor.Of(v, vMemory.Value),
            O = MiTensorDescriptor.Of(output, outputMemory.Value),
            Lse = logSumExpMemory.Value,
            SoftmaxScale = 0,
            Causal = 1,
        };
        _run.Workspace = workspaceMemory.Value;
        _run.RouteCodes = _run.At(_routeCodes);
        _run.Stream = _context.Stream.Handle;
        using GpuTimer? timer = timed ? new GpuTimer(_context) : null;
        _run.Timer = timer;
        _context.MakeCurrent();
        if (_denseLaunchRouted && _staticDenseHeads.Length > 0)
        {
            // The dense launch reads every listed head's code: the host-decided ones are written first.
            MiStatus.ThrowIfFailed(MiNative.RoutesSet(_run.RouteCodes, Shape.Batch, Shape.QHeads, _staticDenseHeads, _staticDenseCodes, _run.Stream));
        }

        if (_streams is null || timed)
        {
            // One stream: the order of the groups, then the dense launch (timed steps need it).
            for (int i = 0; i < _groups.Length; i++)
            {
                SparsePrefillStepTimes estimation = _groups[i].EnqueueEstimation(_run);
                _times[i] = estimation with { AttentionMilliseconds = _groups[i].EnqueueAttention(_run) };
            }

            _denseMilliseconds = _denseLaunchHeads.Length == 0 ? 0 : _run.Timed(LaunchDense);
        }
        else
        {
            EnqueueConcurrently(_streams);
        }

        _run.Timer = null;
        _ran = true;
    }

    /// <summary>
    /// The groups on their own streams, forked from the context's stream and joined back: their
    /// estimations and launches overlap (at short sequences no single launch fills the GPU). The
    /// dense launch stays on the context's stream and waits only for the groups whose route codes it
    /// reads; the stream waits for every group before the run ends, so a capture sees one graph.
    /// </summary>
    private void EnqueueConcurrently(GroupStreams streams)
    {
        StreamHandle main = _run.Stream;
        MiStatus.ThrowIfFailed(MiNative.mi_event_record(streams.Fork, main));
        for (int i = 0; i < _groups.Length; i++)
        {
            MiStatus.ThrowIfFailed(MiNative.mi_stream_wait_event(streams.Streams[i], streams.Fork));
            _run.Stream = streams.Streams[i];
            _groups[i].EnqueueEstimation(_run);
            MiStatus.ThrowIfFailed(MiNative.mi_event_record(streams.Routed[i], streams.Streams[i]));
            _groups[i].EnqueueAttention(_run);
            MiStatus.ThrowIfFailed(MiNative.mi_event_record(streams.Done[i], streams.Streams[i]));
        }

        _run.Stream = main;
        for (int i = 0; i < _groups.Length; i++)
        {
            if (_groups[i].DeviceRoutedHeads.Length > 0)
            {
                MiStatus.ThrowIfFailed(MiNative.mi_stream_wait_event(main, streams.Routed[i]));
            }
        }

        if (_denseLaunchHeads.Length > 0)
        {
            LaunchDense(_run);
        }

        for (int i = 0; i < _groups.Length; i++)
        {
            MiStatus.ThrowIfFailed(MiNative.mi_stream_wait_event(main, streams.Done[i]));
        }
    }

    /// <summary>
    /// The layer's one dense launch, on the dense kernel's tiles: the host-decided dense heads plus,
    /// when some heads are routed on the device, those heads too (each runs here only where its
    /// code says dense).
    /// </summary>
    private void LaunchDense(PlanRun run)
    {
        var args = new MiDenseHeadsAttentionArgs
        {
            Attention = run.Attention,
            Routes = _denseLaunchRouted ? new MiHeadRoutes { Codes = run.RouteCodes, RunDense = 1 } : default,
        };
        bool everyHead = _denseLaunchHeads.Length == Shape.QHeads && !_denseLaunchRouted;
        MiStatus.ThrowIfFailed(everyHead
            ? MiNative.DenseHeadsForward(args, [], run.Stream)
            : MiNative.DenseHeadsForward(args, _denseLaunchHeads, run.Stream));
    }

    /// <summary>What a captured graph bakes in of the operands: their addresses and layouts.</summary>
    private readonly record struct OperandKey(nint Q, nint K, nint V, nint Output, nint LogSumExp, TensorLayout QLayout, TensorLayout KLayout, TensorLayout VLayout, TensorLayout OutputLayout)
    {
        public static OperandKey Of(DeviceTensor q, DeviceTensor k, DeviceTensor v, DeviceTensor output, DeviceBuffer? logSumExp) => new(
            Address(q), Address(k), Address(v), Address(output), logSumExp?.Memory.DangerousGetHandle() ?? 0, q.Layout, k.Layout, v.Layout, output.Layout);

        // Layouts compare by reference: they are immutable, and a new but equal layout only costs a capture.
        public bool Equals(OperandKey other) =>
            Q == other.Q && K == other.K && V == other.V && Output == other.Output && LogSumExp == other.LogSumExp
            && ReferenceEquals(QLayout, other.QLayout) && ReferenceEquals(KLayout, other.KLayout)
            && ReferenceEquals(VLayout, other.VLayout) && ReferenceEquals(OutputLayout, other.OutputLayout);

        public override int GetHashCode() => HashCode.Combine(Q, K, V, Output, LogSumExp);

        private static nint Address(DeviceTensor tensor) => tensor.Buffer.Memory.DangerousGetHandle() + (nint)(tensor.ElementOffset * tensor.DType.ElementSize);
    }
}

using MInference.Interop;
using MInference.Sparse;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Prefill.Groups;

/// <summary>
/// Vertical-slash heads: estimation, selection and index conversion run on the device into regions
/// reserved at plan creation (the index's capacity is its worst case: a query block holds at most
/// min(slashes, block + 1) block runs and min(verticals, 64·block) columns), then
/// <c>mi_vs_route</c> decides per head, on the device, whether the index beats dense; the group's
/// launch and the layer's dense launch each skip the heads the other computes. Nothing is read
/// back: a run is capturable. When the expected index (<see cref="HeadCosts.VerticalSlashExpectedCost"/>)
/// would lose to dense, the heads go dense at plan creation and nothing is estimated.
/// </summary>
internal sealed class VerticalSlashGroupPlan : GroupPlan
{
    private readonly int[] _routedHeads;
    private readonly long _rows;
    private readonly long _indexRows;
    private readonly int _verticalCount;
    private readonly int _slashCount;
    private readonly long _blockBound;
    private readonly long _columnBound;
    private readonly VerticalSlashTileCosts _costs;
    private long _blockCapacity;
    private long _columnCapacity;
    private long _verticalScores;
    private long _slashScores;
    private long _verticals;
    private long _slashes;
    private long _blockRowPointers;
    private long _columnRowPointers;
    private long _blockStarts;
    private long _columns;
    private long _entries;
    private long _scratch;
    private long _scratchBytes;

    public VerticalSlashGroupPlan(GroupPlanContext context, VerticalSlashPattern pattern, int[] heads)
        : base(context, pattern, heads)
    {
        CausalProblem problem = context.Problem;
        int n = problem.SequenceLength;
        double cost = HeadCosts.VerticalSlashExpectedCost(context.Costs, pattern, n, problem.Batch, problem.HeadDim);
        DenseFallback?[] decisions = heads.Select(head => context.DecideBeforeRun(head, pattern, null, cost, (context.Costs.Launch + context.Costs.VerticalSlashEstimateFixed) / heads.Length)).ToArray();
        StaticFallbacks = decisions.OfType<DenseFallback>().ToArray();
        _routedHeads = heads.Where((_, i) => decisions[i] is null).ToArray();
        _verticalCount = VerticalSlashEstimation.EffectiveVerticalCount(pattern.VerticalSize, n);
        _slashCount = VerticalSlashEstimation.EffectiveSlashCount(pattern.SlashSize, n);
        _rows = (long)problem.Batch * _routedHeads.Length;
        _indexRows = _rows * context.QueryBlocks;
        for (int block = 0; block < context.QueryBlocks; block++)
        {
            _blockBound += Math.Min(_slashCount, block + 1);
            _columnBound += Math.Min(_verticalCount, (long)SparseBlocks.Size * block);
        }

        _blockBound *= _rows;
        _columnBound *= _rows;
        _costs = VerticalSlashTileCosts.Of(context.Costs, problem.HeadDim);
    }

    public override int[] DeviceRoutedHeads => _routedHeads;

    public override long IndexBoundBytes => (_blockBound + _columnBound) * sizeof(int);

    public override int AttentionLaunches => _routedHeads.Length == 0 ? 0 : 1;

    public override void Reserve(PlanWorkspace workspace, double indexShare)
    {
        if (_routedHeads.Length == 0)
        {
            return;
        }

        int n = Context.Problem.SequenceLength;
        _blockCapacity = (long)Math.Floor(_blockBound * indexShare);
        _columnCapacity = (long)Math.Floor(_columnBound * indexShare);
        _verticalScores = workspace.Reserve(_rows * n * sizeof(float));
        _slashScores = workspace.Reserve(_rows * n * sizeof(float));
        _verticals = workspace.Reserve(_rows * _verticalCount * sizeof(int));
        _slashes = workspace.Reserve(_rows * _slashCount * sizeof(int));
        _blockRowPointers = workspace.Reserve((_indexRows + 1) * sizeof(long));
        _columnRowPointers = workspace.Reserve((_indexRows + 1) * sizeof(long));
        _blockStarts = workspace.Reserve(_blockCapacity * sizeof(int));
        _columns = workspace.Reserve(_columnCapacity * sizeof(int));
        _entries = workspace.Reserve(_routedHeads.Length * sizeof(long));
        MiStatus.ThrowIfFailed(MiNative.VsEstimateWorkspaceSize(EstimateArgs(null), _routedHeads, out long estimate));
        MiVsSelectArgs select = SelectArgs(null);
        MiStatus.ThrowIfFailed(MiNative.mi_vs_select_workspace_size(in select, out long selection));
        MiVsIndexArgs index = IndexArgs(null);
        MiStatus.ThrowIfFailed(MiNative.mi_vs_index_count_workspace_size(in index, out long count));
        _scratchBytes = Math.Max(estimate, Math.Max(selection, count));
        _scratch = workspace.Reserve(_scratchBytes);
    }

    public override SparsePrefillStepTimes EnqueueEstimation(PlanRun run) =>
        _routedHeads.Length == 0 ? default : new SparsePrefillStepTimes(run.Timed(Estimate), run.Timed(BuildIndex), 0);

    public override float EnqueueAttention(PlanRun run) => _routedHeads.Length == 0 ? 0 : run.Timed(Launch);

    public override PatternGroupReport Report(PlanReadback readback, SparsePrefillStepTimes? times)
    {
        long causal = Context.CausalEntriesPerHead;
        long[] bounds = readback.Read<long>(_entries, _routedHeads.Length);
        VerticalSlashIndex? copy = Context.Options.KeepIndices || Context.Options.ExactDensity ? Download(readback) : null;
        var sparse = new List<int>();
        var fallbacks = new List<DenseFallback>(StaticFallbacks);
        var densities = new double[Heads.Length];
        long total = 0;
        for (int i = 0; i < Heads.Length; i++)
        {
            int slot = Array.IndexOf(_routedHeads, Heads[i]);
            long entries = causal;
            if (slot >= 0)
            {
                var code = (MiRouteCode)readback.RouteCode(Heads[i]);
                if (code == MiRouteCode.Sparse)
                {
                    sparse.Add(Heads[i]);
                    entries = copy is null ? bounds[slot] : ExactEntries(copy, slot);
                }
                else
                {
                    // The density the route weighed: the bound of mi_vs_route.
                    fallbacks.Add(new DenseFallback(Heads[i], ReasonOf(code), bounds[slot] / (double)causal));
                }
            }

            densities[i] = entries / (double)causal;
            total += entries;
        }

        int[] denseHeads = fallbacks.Select(fallback => fallback.Head).Order().ToArray();
        DenseFallback[] ordered = fallbacks.OrderBy(fallback => fallback.Head).ToArray();
        return new PatternGroupReport(Pattern, Heads, sparse.ToArray(), denseHeads, ordered, densities, total, densityIsExact: copy is not null)
        {
            StepTimes = times,
            VerticalSlashIndex = Context.Options.KeepIndices ? copy : null,
        };
    }

    private static DenseFallbackReason ReasonOf(MiRouteCode code) => code switch
    {
        MiRouteCode.DenseTooDense => DenseFallbackReason.DensityAboveLimit,
        MiRouteCode.DenseCapacity => DenseFallbackReason.IndexCapacity,
        _ => DenseFallbackReason.PredictedSlower,
    };

    private long ExactEntries(VerticalSlashIndex index, int slot)
    {
        long entries = 0;
        for (int batch = 0; batch < Context.Problem.Batch; batch++)
        {
            entries += SparseDensity.VerticalSlashEntries(index, batch, slot);
        }

        return entries;
    }

    private VerticalSlashIndex Download(PlanReadback readback)
    {
        long[] blockRows = readback.Read<long>(_blockRowPointers, _indexRows + 1);
        long[] columnRows = readback.Read<long>(_columnRowPointers, _indexRows + 1);
        // Rows past a capacity were left short by the fill: clamp so the copy stays well-formed
        // (those heads ran dense, so the copy's rows are not what any kernel used).
        ClampRows(blockRows, _blockCapacity);
        ClampRows(columnRows, _columnCapacity);
        return new VerticalSlashIndex(
            Context.Problem.SequenceLength, Context.Problem.Batch, _routedHeads,
            blockRows, readback.Read<int>(_blockStarts, blockRows[^1]), columnRows, readback.Read<int>(_columns, columnRows[^1]));
    }

    private static void ClampRows(long[] rowPointers, long capacity)
    {
        for (int i = 0; i < rowPointers.Length; i++)
        {
            rowPointers[i] = Math.Min(rowPointers[i], capacity);
        }
    }

    private MiVsEstimateArgs EstimateArgs(PlanRun? run) => ProfileArgs(Context, run, _verticalScores, _slashScores);

    /// <summary>
    /// The last-query profiles (mi_vs_estimate) of a group's heads into two workspace regions of
    /// [batch, heads, N] fp32 each; with no run, the shape alone (for the workspace size). Grid heads
    /// estimate from the same profiles.
    /// </summary>
    internal static MiVsEstimateArgs ProfileArgs(GroupPlanContext context, PlanRun? run, long verticalScores, long slashScores)
    {
        CausalProblem problem = context.Problem;
        return new MiVsEstimateArgs
        {
            DType = (MiDType)context.DType,
            Batch = problem.Batch,
            QHeads = problem.QHeads,
            KvHeads = problem.KvHeads,
            SeqLen = problem.SequenceLength,
            HeadDim = problem.HeadDim,
            Q = run?.Attention.Q ?? default,
            K = run?.Attention.K ?? default,
            SoftmaxScale = 0,
            VerticalScores = run is null ? 0 : run.At(verticalScores),
            SlashScores = run is null ? 0 : run.At(slashScores),
        };
    }

    private MiVsSelectArgs SelectArgs(PlanRun? run) => new()
    {
        Rows = _rows,
        SeqLen = Context.Problem.SequenceLength,
        VerticalCount = _verticalCount,
        SlashCount = _slashCount,
        VerticalScores = run is null ? 0 : run.At(_verticalScores),
        SlashScores = run is null ? 0 : run.At(_slashScores),
        Verticals = run is null ? 0 : run.At(_verticals),
        Slashes = run is null ? 0 : run.At(_slashes),
    };

    private MiVsIndexArgs IndexArgs(PlanRun? run) => new()
    {
        Rows = _rows,
        SeqLen = Context.Problem.SequenceLength,
        VerticalCount = _verticalCount,
        SlashCount = _slashCount,
        Verticals = run is null ? 0 : run.At(_verticals),
        Slashes = run is null ? 0 : run.At(_slashes),
        BlockRowPtr = run is null ? 0 : run.At(_blockRowPointers),
        ColumnRowPtr = run is null ? 0 : run.At(_columnRowPointers),
        BlockStarts = run is null ? 0 : run.At(_blockStarts),
        BlockCapacity = _blockCapacity,
        Columns = run is null ? 0 : run.At(_columns),
        ColumnCapacity = _columnCapacity,
    };

    /// <summary>MInference's estimation: scores of the last 64 queries, then the best verticals and slashes.</summary>
    private void Estimate(PlanRun run)
    {
        nint scratch = run.At(_scratch);
        MiStatus.ThrowIfFailed(MiNative.VsEstimate(EstimateArgs(run), _routedHeads, scratch, _scratchBytes, run.Stream));
        MiVsSelectArgs select = SelectArgs(run);
        MiStatus.ThrowIfFailed(MiNative.mi_vs_select(in select, scratch, _scratchBytes, run.Stream));
    }

    /// <summary>The index conversion into the reserved capacity, then the device-side route of each head.</summary>
    private void BuildIndex(PlanRun run)
    {
        MiVsIndexArgs index = IndexArgs(run);
        MiStatus.ThrowIfFailed(MiNative.mi_vs_index_count(in index, run.At(_scratch), _scratchBytes, run.Stream));
        MiStatus.ThrowIfFailed(MiNative.mi_vs_index_fill(in index, run.Stream));
        var route = new MiVsRouteArgs
        {
            Batch = Context.Problem.Batch,
            QHeads = Context.Problem.QHeads,
            SeqLen = Context.Problem.SequenceLength,
            BlockRowPtr = index.BlockRowPtr,
            ColumnRowPtr = index.ColumnRowPtr,
            BlockCapacity = _blockCapacity,
            ColumnCapacity = _columnCapacity,
            BlockTileCost = _costs.Block,
            ColumnTileCost = _costs.Column,
            DenseTileCost = _costs.Dense,
            MaxDensity = Context.Options.MaxDensity,
            Codes = run.RouteCodes,
            Entries = run.At(_entries),
        };
        MiStatus.ThrowIfFailed(MiNative.VsRoute(route, _routedHeads, run.Stream));
    }

    private void Launch(PlanRun run)
    {
        var args = new MiVerticalSlashAttentionArgs
        {
            Attention = run.Attention,
            Blocks = new MiCsrIndex { RowPtr = run.At(_blockRowPointers), Values = run.At(_blockStarts), ValueCount = _blockCapacity },
            Columns = new MiCsrIndex { RowPtr = run.At(_columnRowPointers), Values = run.At(_columns), ValueCount = _columnCapacity },
            Routes = new MiHeadRoutes { Codes = run.RouteCodes, RunDense = 0 },
        };
        MiStatus.ThrowIfFailed(MiNative.VerticalSlashForward(args, _routedHeads, run.Stream));
    }
}

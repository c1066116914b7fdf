using MInference.Interop;
using MInference.Multimodal;
using MInference.Sparse;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;
using MInference.Sparse.Prefill;

namespace MInference.Prefill.Groups;

/// <summary>
/// MMInference's grid heads: a run computes the last-query profiles (mi_vs_estimate), each head's
/// stride, phase and token order (mi_grid_estimate, candidates from the plan's modality map), the
/// kept blocks in permuted space (mi_grid_select) and the permuted-block attention. Every index row
/// keeps min(kept blocks, blocks) blocks whatever the stride, so the index's size, the tiles
/// computed and the decisions are settled at plan creation.
/// </summary>
internal sealed class GridGroupPlan : GroupPlan
{
    private readonly int[] _sparseHeads;
    private readonly int[] _candidates;
    private readonly int _keep;
    private readonly long _rows;
    private readonly long _indexEntries;
    private readonly long _tileEntriesPerHead;
    private long _verticalScores;
    private long _slashScores;
    private long _strides;
    private long _phases;
    private long _order;
    private long _rowPointers;
    private long _blocks;
    private long _scratch;
    private long _scratchBytes;

    public GridGroupPlan(GroupPlanContext context, GridPattern pattern, int[] heads)
        : base(context, pattern, heads)
    {
        CausalProblem problem = context.Problem;
        int n = problem.SequenceLength;
        int queryBlocks = context.QueryBlocks;
        _keep = Math.Min(pattern.KeptBlocks, queryBlocks);
        ModalityMap modalities = context.Options.Modalities ?? ModalityMap.AllText(n);
        _candidates = GridGpu.DeviceCandidates(modalities, new GridEstimationOptions().MaxSearchStride);

        // Each row holds _keep full tiles except that the last block is short; which rows keep the
        // last block depends on the scores, so the tiles are counted as full (a bound within one
        // block's share of the row).
        _tileEntriesPerHead = problem.Batch * (long)queryBlocks * _keep * SparseBlocks.Size * SparseBlocks.Size;
        long causal = context.CausalEntriesPerHead;
        double density = Math.Min(1, _tileEntriesPerHead / (double)causal);
        double cost = HeadCosts.BlockSparse(context.Costs, (long)queryBlocks * _keep, n, problem.Batch, problem.HeadDim);
        DenseFallback?[] decisions = heads.Select(head => context.DecideBeforeRun(head, pattern, density, cost, ((4 * context.Costs.Launch) + context.Costs.BlockSparseEstimateFixed) / heads.Length)).ToArray();
        StaticFallbacks = decisions.OfType<DenseFallback>().ToArray();
        _sparseHeads = heads.Where((_, i) => decisions[i] is null).ToArray();
        _rows = (long)problem.Batch * _sparseHeads.Length * queryBlocks;
        _indexEntries = _rows * _keep;
    }

    public override int AttentionLaunches => _sparseHeads.Length == 0 ? 0 : 1;

    public override void Reserve(PlanWorkspace workspace, double indexShare)
    {
        if (_sparseHeads.Length == 0)
        {
            return;
        }

        long n = Context.Problem.SequenceLength;
        long lists = (long)Context.Problem.Batch * _sparseHeads.Length;
        _verticalScores = workspace.Reserve(lists * n * sizeof(float));
        _slashScores = workspace.Reserve(lists * n * sizeof(float));
        _strides = workspace.Reserve(lists * sizeof(int));
        _phases = workspace.Reserve(lists * sizeof(int));
        _order = workspace.Reserve(lists * n * sizeof(int));
        _rowPointers = workspace.Reserve((_rows + 1) * sizeof(long));
        _blocks = workspace.Reserve(_indexEntries * sizeof(int));
        MiStatus.ThrowIfFailed(MiNative.VsEstimateWorkspaceSize(EstimateArgs(null), _sparseHeads, out long estimate));
        MiStatus.ThrowIfFailed(MiNative.GridSelectWorkspaceSize(SelectArgs(null), _sparseHeads, out long select));
        _scratchBytes = Math.Max(estimate, select);
        _scratch = workspace.Reserve(_scratchBytes);
    }

    public override SparsePrefillStepTimes EnqueueEstimation(PlanRun run) =>
        _sparseHeads.Length == 0 ? default : new SparsePrefillStepTimes(run.Timed(Estimate), run.Timed(Select), 0);

    public override float EnqueueAttention(PlanRun run) => _sparseHeads.Length == 0 ? 0 : run.Timed(Launch);

    public override PatternGroupReport Report(PlanReadback readback, SparsePrefillStepTimes? times)
    {
        PermutedBlockIndex? copy = (Context.Options.KeepIndices || Context.Options.ExactDensity) && _sparseHeads.Length > 0 ? Download(readback) : null;
        long entriesPerHead = copy is null ? _tileEntriesPerHead : copy.ComputedEntries() / _sparseHeads.Length;
        return StaticReport(_sparseHeads, entriesPerHead, times, Context.Options.KeepIndices ? copy : null);
    }

    private PermutedBlockIndex Download(PlanReadback readback)
    {
        CausalProblem problem = Context.Problem;
        int n = problem.SequenceLength;
        int lists = problem.Batch * _sparseHeads.Length;
        long[] rowPointers = readback.Read<long>(_rowPointers, _rows + 1);
        int[] blocks = readback.Read<int>(_blocks, _indexEntries);
        return PermutedBlockIndex.FromDevice(n, problem.Batch, _sparseHeads, rowPointers, blocks, readback.Read<int>(_order, (long)lists * n));
    }

    private MiVsEstimateArgs EstimateArgs(PlanRun? run) => VerticalSlashGroupPlan.ProfileArgs(Context, run, _verticalScores, _slashScores);

    private MiGridSelectArgs SelectArgs(PlanRun? run)
    {
        CausalProblem problem = Context.Problem;
        return new MiGridSelectArgs
        {
            DType = (MiDType)Context.DType,
            Batch = problem.Batch,
            QHeads = problem.QHeads,
            KvHeads = problem.KvHeads,
            SeqLen = problem.SequenceLength,
            HeadDim = problem.HeadDim,
            Q = run?.Attention.Q ?? default,
            K = run?.Attention.K ?? default,
            Strides = run is null ? 0 : run.At(_strides),
            Phases = run is null ? 0 : run.At(_phases),
            Order = run is null ? 0 : run.At(_order),
            Keep = _keep,
            RowPtr = run is null ? 0 : run.At(_rowPointers),
            Blocks = run is null ? 0 : run.At(_blocks),
        };
    }

    private void Estimate(PlanRun run)
    {
        MiStatus.ThrowIfFailed(MiNative.VsEstimate(EstimateArgs(run), _sparseHeads, run.At(_scratch), _scratchBytes, run.Stream));
        var args = new MiGridEstimateArgs
        {
            Batch = Context.Problem.Batch,
            HeadCount = _sparseHeads.Length,
            SeqLen = Context.Problem.SequenceLength,
            LastQueries = Math.Min(VerticalSlashEstimation.LastQueryRows, Context.Problem.SequenceLength),
            VerticalScores = run.At(_verticalScores),
            SlashScores = run.At(_slashScores),
            Tolerance = (float)new GridEstimationOptions().Tolerance,
            Strides = run.At(_strides),
            Phases = run.At(_phases),
            Order = run.At(_order),
        };
        MiStatus.ThrowIfFailed(MiNative.GridEstimate(args, _candidates, run.Stream));
    }

    private void Select(PlanRun run) =>
        MiStatus.ThrowIfFailed(MiNative.GridSelect(SelectArgs(run), _sparseHeads, run.At(_scratch), _scratchBytes, run.Stream));

    private void Launch(PlanRun run)
    {
        var args = new MiPermutedAttentionArgs
        {
            Attention = run.Attention,
            Blocks = new MiCsrIndex { RowPtr = run.At(_rowPointers), Values = run.At(_blocks), ValueCount = _indexEntries },
            Order = run.At(_order),
        };
        MiStatus.ThrowIfFailed(MiNative.PermutedForward(args, _sparseHeads, run.Stream));
    }
}

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
internal sealed class GridGroupPlan : PermutedGroupPlan
{
    private readonly int[] _candidates;
    private readonly int _keep;
    private long _verticalScores;
    private long _slashScores;
    private long _strides;
    private long _phases;
    private long _scratch;
    private long _scratchBytes;

    // Each row holds min(kept, blocks) full tiles except that the last block is short; which rows
    // keep the last block depends on the scores, so the tiles are counted as full (a bound within
    // one block's share of the row). Four launches: profiles, stride search, order, selection.
    public GridGroupPlan(GroupPlanContext context, GridPattern pattern, int[] heads)
        : base(context, pattern, heads, (long)context.QueryBlocks * Math.Min(pattern.KeptBlocks, context.QueryBlocks), stepLaunches: 4)
    {
        _keep = Math.Min(pattern.KeptBlocks, context.QueryBlocks);
        ModalityMap modalities = context.Options.Modalities ?? ModalityMap.AllText(context.Problem.SequenceLength);
        _candidates = GridGpu.DeviceCandidates(modalities, new GridEstimationOptions().MaxSearchStride);
    }

    protected override void ReserveSteps(PlanWorkspace workspace)
    {
        long n = Context.Problem.SequenceLength;
        long lists = (long)Context.Problem.Batch * SparseHeads.Length;
        _verticalScores = workspace.Reserve(lists * n * sizeof(float));
        _slashScores = workspace.Reserve(lists * n * sizeof(float));
        _strides = workspace.Reserve(lists * sizeof(int));
        _phases = workspace.Reserve(lists * sizeof(int));
        MiStatus.ThrowIfFailed(MiNative.VsEstimateWorkspaceSize(EstimateArgs(null), SparseHeads, out long estimate));
        MiStatus.ThrowIfFailed(MiNative.GridSelectWorkspaceSize(SelectArgs(null), SparseHeads, out long select));
        _scratchBytes = Math.Max(estimate, select);
        _scratch = workspace.Reserve(_scratchBytes);
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
            Order = run is null ? 0 : run.At(OrderOffset),
            Keep = _keep,
            RowPtr = RowPointersAt(run),
            Blocks = BlocksAt(run),
        };
    }

    protected override void EnqueueOrder(PlanRun run)
    {
        MiStatus.ThrowIfFailed(MiNative.VsEstimate(EstimateArgs(run), SparseHeads, run.At(_scratch), _scratchBytes, run.Stream));
        var args = new MiGridEstimateArgs
        {
            Batch = Context.Problem.Batch,
            HeadCount = SparseHeads.Length,
            SeqLen = Context.Problem.SequenceLength,
            LastQueries = Math.Min(VerticalSlashEstimation.LastQueryRows, Context.Problem.SequenceLength),
            VerticalScores = run.At(_verticalScores),
            SlashScores = run.At(_slashScores),
            Tolerance = (float)new GridEstimationOptions().Tolerance,
            Strides = run.At(_strides),
            Phases = run.At(_phases),
            Order = run.At(OrderOffset),
        };
        MiStatus.ThrowIfFailed(MiNative.GridEstimate(args, _candidates, run.Stream));
    }

    protected override void EnqueueSelection(PlanRun run) =>
        MiStatus.ThrowIfFailed(MiNative.GridSelect(SelectArgs(run), SparseHeads, run.At(_scratch), _scratchBytes, run.Stream));
}

using MInference.Interop;
using MInference.Sparse;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Prefill.Groups;

/// <summary>
/// Block-sparse heads: every index row's length is known in advance (min(max(top-k, 2), block + 1)),
/// so the densities, the decisions and the index's size are all settled at plan creation; a run
/// estimates the index of the heads that keep the pattern and launches them.
/// </summary>
internal sealed class BlockSparseGroupPlan : GroupPlan
{
    private readonly int[] _sparseHeads;
    private readonly long _topK;
    private readonly long _entriesPerHead;
    private readonly long _rows;
    private readonly long _indexEntries;
    private long _rowPointerOffset;
    private long _blockOffset;
    private long _workspaceOffset;
    private long _workspaceBytes;

    public BlockSparseGroupPlan(GroupPlanContext context, BlockSparsePattern pattern, int[] heads)
        : base(context, pattern, heads)
    {
        CausalProblem problem = context.Problem;
        int n = problem.SequenceLength;
        int queryBlocks = context.QueryBlocks;
        _topK = Math.Min(pattern.TopKBlocks, queryBlocks);
        long keep = Math.Max(_topK, 2);
        long tiles = 0;
        long entries = 0;
        for (int block = 0; block < queryBlocks; block++)
        {
            long count = Math.Min(keep, block + 1);
            tiles += count;
            entries += SparseDensity.BlockSparseRowEntries(n, block, count);
        }

        _entriesPerHead = problem.Batch * entries;
        double density = _entriesPerHead / (double)context.CausalEntriesPerHead;
        double cost = HeadCosts.BlockSparse(context.Costs, tiles, n, problem.Batch, problem.HeadDim);
        DenseFallback?[] decisions = heads.Select(head => context.DecideBeforeRun(head, pattern, density, cost, ((3 * context.Costs.Launch) + context.Costs.BlockSparseEstimateFixed) / heads.Length)).ToArray();
        StaticFallbacks = decisions.OfType<DenseFallback>().ToArray();
        _sparseHeads = heads.Where((_, i) => decisions[i] is null).ToArray();
        _rows = (long)problem.Batch * _sparseHeads.Length * queryBlocks;
        _indexEntries = problem.Batch * _sparseHeads.Length * tiles;
    }

    public override int AttentionLaunches => _sparseHeads.Length == 0 ? 0 : 1;

    public override void Reserve(PlanWorkspace workspace, double indexShare)
    {
        if (_sparseHeads.Length == 0)
        {
            return;
        }

        _rowPointerOffset = workspace.Reserve((_rows + 1) * sizeof(long));
        _blockOffset = workspace.Reserve(_indexEntries * sizeof(int));
        MiBlockSparseEstimateArgs args = EstimateArgs(default, 0);
        MiStatus.ThrowIfFailed(MiNative.BlockSparseEstimateWorkspaceSize(args, _sparseHeads, out _workspaceBytes));
        _workspaceOffset = workspace.Reserve(_workspaceBytes);
    }

    public override SparsePrefillStepTimes EnqueueEstimation(PlanRun run) =>
        _sparseHeads.Length == 0 ? default : new SparsePrefillStepTimes(run.Timed(Estimate), 0, 0);

    public override float EnqueueAttention(PlanRun run) => _sparseHeads.Length == 0 ? 0 : run.Timed(Launch);

    public override PatternGroupReport Report(PlanReadback readback, SparsePrefillStepTimes? times)
    {
        BlockSparseIndex? copy = Context.Options.KeepIndices && _sparseHeads.Length > 0 ? Download(readback) : null;
        return StaticReport(_sparseHeads, _entriesPerHead, times, copy);
    }

    /// <summary>The index the last run built: its rows, then the blocks they hold (not the unused capacity).</summary>
    private BlockSparseIndex Download(PlanReadback readback)
    {
        long[] rowPointers = readback.Read<long>(_rowPointerOffset, _rows + 1);
        return new BlockSparseIndex(
            Context.Problem.SequenceLength, Context.Problem.Batch, _sparseHeads, rowPointers, readback.Read<int>(_blockOffset, rowPointers[^1]));
    }

        private MiBlockSparseEstimateArgs EstimateArgs(PlanRun? run, nint workspace)
    {
        CausalProblem problem = Context.Problem;
        return new MiBlockSparseEstimateArgs
        {
            DType = (MiDType)Context.DType,
            Batch = problem.Batch,
            QHeads = problem.QHeads,
            KvHeads = problem.KvHeads,
            SeqLen = problem.SequenceLength,
            HeadDim = problem.HeadDim,
            Q = run?.Attention.Q ?? default,
            K = run?.Attention.K ?? default,
            TopK = _topK,
            RowPtr = run is null ? 0 : run.At(_rowPointerOffset),
            Blocks = run is null ? 0 : run.At(_blockOffset),
        };
    }

    private void Estimate(PlanRun run) =>
        MiStatus.ThrowIfFailed(MiNative.BlockSparseEstimate(EstimateArgs(run, 0), _sparseHeads, run.At(_workspaceOffset), _workspaceBytes, run.Stream));

    private void Launch(PlanRun run)
    {
        var args = new MiBlockSparseAttentionArgs
        {
            Attention = run.Attention,
            Blocks = new MiCsrIndex { RowPtr = run.At(_rowPointerOffset), Values = run.At(_blockOffset), ValueCount = _indexEntries },
        };
        MiStatus.ThrowIfFailed(MiNative.BlockSparseForward(args, _sparseHeads, run.Stream));
    }
}

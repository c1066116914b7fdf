using MInference.Interop;
using MInference.Multimodal;
using MInference.Sparse;
using MInference.Sparse.Indexes;
using MInference.Sparse.Prefill;

namespace MInference.Prefill.Groups;

/// <summary>
/// MMInference's boundary heads: a run orders each head's tokens (text, then video — in grid order
/// where the head's video rows show a grid: mi_boundary_order, timed as estimation), selects the
/// kept blocks in that order (mi_boundary_select) and launches the permuted-block attention. A row's
/// length depends only on its modality, so the index's size, the tiles computed and the decisions
/// are settled at plan creation.
/// </summary>
internal sealed class BoundaryGroupPlan : PermutedGroupPlan
{
    private readonly BoundaryPattern _boundary;
    private readonly BoundaryOrdering _ordering;
    private long _strides;
    private long _phases;
    private long _orderScratch;
    private long _orderScratchBytes;
    private long _scratch;
    private long _scratchBytes;

    // Launches: the order (with a grid: profiles and the stride search first) and the selection.
    public BoundaryGroupPlan(GroupPlanContext context, BoundaryPattern pattern, int[] heads)
        : this(context, pattern, heads, Ordering(context, pattern))
    {
    }

    private BoundaryGroupPlan(GroupPlanContext context, BoundaryPattern pattern, int[] heads, BoundaryOrdering ordering)
        : base(context, pattern, heads, BoundaryBlockSelection.TilesPerHead(pattern, ordering.TextTokens, context.Problem.SequenceLength),
               stepLaunches: BoundaryOrdering.Grids(pattern.Boundary) ? 11 : 4)
    {
        _boundary = pattern;
        _ordering = ordering;
    }

    protected override void ReserveSteps(PlanWorkspace workspace)
    {
        long lists = (long)Context.Problem.Batch * SparseHeads.Length;
        _strides = workspace.Reserve(lists * sizeof(int));
        _phases = workspace.Reserve(lists * sizeof(int));
        MiStatus.ThrowIfFailed(MiNative.BoundaryOrderWorkspaceSize(OrderArgs(null), SparseHeads, _ordering.Segments, _ordering.Candidates, out _orderScratchBytes));
        _orderScratch = workspace.Reserve(_orderScratchBytes);
        MiStatus.ThrowIfFailed(MiNative.BoundarySelectWorkspaceSize(SelectArgs(null), SparseHeads, out _scratchBytes));
        _scratch = workspace.Reserve(_scratchBytes);
    }

    private static BoundaryOrdering Ordering(GroupPlanContext context, BoundaryPattern pattern)
    {
        ModalityMap modalities = pattern.RequireModalities(context.Options.Modalities);
        if (modalities.SequenceLength != context.Problem.SequenceLength)
        {
            throw new ArgumentException($"the modality map covers {modalities.SequenceLength} tokens; the layer holds N = {context.Problem.SequenceLength}", nameof(context));
        }

        return BoundaryOrdering.Of(modalities);
    }

    private MiBoundaryOrderArgs OrderArgs(PlanRun? run)
    {
        CausalProblem problem = Context.Problem;
        MiBoundaryOrderArgs args = BoundaryOrdering.Args(_boundary.Boundary, (MiDType)Context.DType, problem.Batch, problem.QHeads, problem.KvHeads, problem.SequenceLength, problem.HeadDim);
        if (run is not null)
        {
            args.Q = run.Attention.Q;
            args.K = run.Attention.K;
            args.Strides = run.At(_strides);
            args.Phases = run.At(_phases);
            args.Order = run.At(OrderOffset);
        }

        return args;
    }

    protected override void EnqueueOrder(PlanRun run) =>
        MiStatus.ThrowIfFailed(MiNative.BoundaryOrder(OrderArgs(run), SparseHeads, _ordering.Segments, _ordering.Candidates, run.At(_orderScratch), _orderScratchBytes, run.Stream));

    private MiBoundarySelectArgs SelectArgs(PlanRun? run)
    {
        CausalProblem problem = Context.Problem;
        return new MiBoundarySelectArgs
        {
            DType = (MiDType)Context.DType,
            Batch = problem.Batch,
            QHeads = problem.QHeads,
            KvHeads = problem.KvHeads,
            SeqLen = problem.SequenceLength,
            HeadDim = problem.HeadDim,
            Q = run?.Attention.Q ?? default,
            K = run?.Attention.K ?? default,
            Order = run is null ? 0 : run.At(OrderOffset),
            TextTokens = _ordering.TextTokens,
            Kind = (int)_boundary.Boundary,
            First = _boundary.FirstBlocks,
            Second = _boundary.SecondBlocks,
            RowPtr = RowPointersAt(run),
            Blocks = BlocksAt(run),
        };
    }

    protected override void EnqueueSelection(PlanRun run) =>
        MiStatus.ThrowIfFailed(MiNative.BoundarySelect(SelectArgs(run), SparseHeads, run.At(_scratch), _scratchBytes, run.Stream));
}

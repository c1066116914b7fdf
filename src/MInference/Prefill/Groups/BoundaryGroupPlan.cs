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
internal sealed class BoundaryGroupPlan : GroupPlan
{
    private readonly BoundaryPattern _boundary;
    private readonly int[] _sparseHeads;
    private readonly BoundaryOrdering _ordering;
    private readonly long _rows;
    private readonly long _indexEntries;
    private readonly long _tileEntriesPerHead;
    private long _orderOffset;
    private long _strides;
    private long _phases;
    private long _orderScratch;
    private long _orderScratchBytes;
    private long _rowPointers;
    private long _blocks;
    private long _scratch;
    private long _scratchBytes;

    public BoundaryGroupPlan(GroupPlanContext context, BoundaryPattern pattern, int[] heads)
        : base(context, pattern, heads)
    {
        _boundary = pattern;
        CausalProblem problem = context.Problem;
        ModalityMap modalities = pattern.RequireModalities(context.Options.Modalities);
        if (modalities.SequenceLength != problem.SequenceLength)
        {
            throw new ArgumentException($"the modality map covers {modalities.SequenceLength} tokens; the layer holds N = {problem.SequenceLength}", nameof(context));
        }

        _ordering = BoundaryOrdering.Of(modalities);
        long tilesPerHead = BoundaryBlockSelection.TilesPerHead(pattern, _ordering.TextTokens, problem.SequenceLength);
        // Every kept tile counted whole (masked pairs inside included): what the kernel computes.
        _tileEntriesPerHead = problem.Batch * tilesPerHead * SparseBlocks.Size * SparseBlocks.Size;
        double density = Math.Min(1, _tileEntriesPerHead / (double)context.CausalEntriesPerHead);
        double cost = HeadCosts.BlockSparse(context.Costs, tilesPerHead, problem.SequenceLength, problem.Batch, problem.HeadDim);
        DenseFallback?[] decisions = heads.Select(head => context.DecideBeforeRun(head, pattern, density, cost, ((2 * context.Costs.Launch) + context.Costs.BlockSparseEstimateFixed) / heads.Length)).ToArray();
        StaticFallbacks = decisions.OfType<DenseFallback>().ToArray();
        _sparseHeads = heads.Where((_, i) => decisions[i] is null).ToArray();
        _rows = (long)problem.Batch * _sparseHeads.Length * context.QueryBlocks;
        _indexEntries = problem.Batch * _sparseHeads.Length * tilesPerHead;
    }

    public override int AttentionLaunches => _sparseHeads.Length == 0 ? 0 : 1;

    public override void Reserve(PlanWorkspace workspace, double indexShare)
    {
        if (_sparseHeads.Length == 0)
        {
            return;
        }

        long lists = (long)Context.Problem.Batch * _sparseHeads.Length;
        _orderOffset = workspace.Reserve(lists * Context.Problem.SequenceLength * sizeof(int));
        _strides = workspace.Reserve(lists * sizeof(int));
        _phases = workspace.Reserve(lists * sizeof(int));
        MiStatus.ThrowIfFailed(MiNative.BoundaryOrderWorkspaceSize(OrderArgs(null), _sparseHeads, _ordering.Segments, _ordering.Candidates, out _orderScratchBytes));
        _orderScratch = workspace.Reserve(_orderScratchBytes);
        _rowPointers = workspace.Reserve((_rows + 1) * sizeof(long));
        _blocks = workspace.Reserve(_indexEntries * sizeof(int));
        MiStatus.ThrowIfFailed(MiNative.BoundarySelectWorkspaceSize(SelectArgs(null), _sparseHeads, out _scratchBytes));
        _scratch = workspace.Reserve(_scratchBytes);
    }

    public override SparsePrefillStepTimes EnqueueEstimation(PlanRun run) =>
        _sparseHeads.Length == 0 ? default : new SparsePrefillStepTimes(run.Timed(Order), run.Timed(Select), 0);

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
        int lists = problem.Batch * _sparseHeads.Length;
        long[] rowPointers = readback.Read<long>(_rowPointers, _rows + 1);
        int[] blocks = readback.Read<int>(_blocks, _indexEntries);
        int n = problem.SequenceLength;
        int[] flat = readback.Read<int>(_orderOffset, (long)lists * n);
        TokenOrder[] orders = [.. Enumerable.Range(0, lists).Select(list => new TokenOrder(flat.AsSpan(list * n, n).ToArray()))];
        return new PermutedBlockIndex(new BlockSparseIndex(problem.SequenceLength, problem.Batch, _sparseHeads, rowPointers, blocks), orders);
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
            args.Order = run.At(_orderOffset);
        }

        return args;
    }

    private void Order(PlanRun run) =>
        MiStatus.ThrowIfFailed(MiNative.BoundaryOrder(OrderArgs(run), _sparseHeads, _ordering.Segments, _ordering.Candidates, run.At(_orderScratch), _orderScratchBytes, run.Stream));

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
            Order = run is null ? 0 : run.At(_orderOffset),
            TextTokens = _ordering.TextTokens,
            Kind = (int)_boundary.Boundary,
            First = _boundary.FirstBlocks,
            Second = _boundary.SecondBlocks,
            RowPtr = run is null ? 0 : run.At(_rowPointers),
            Blocks = run is null ? 0 : run.At(_blocks),
        };
    }

    private void Select(PlanRun run) =>
        MiStatus.ThrowIfFailed(MiNative.BoundarySelect(SelectArgs(run), _sparseHeads, run.At(_scratch), _scratchBytes, run.Stream));

    private void Launch(PlanRun run)
    {
        var args = new MiPermutedAttentionArgs
        {
            Attention = run.Attention,
            Blocks = new MiCsrIndex { RowPtr = run.At(_rowPointers), Values = run.At(_blocks), ValueCount = _indexEntries },
            Order = run.At(_orderOffset),
        };
        MiStatus.ThrowIfFailed(MiNative.PermutedForward(args, _sparseHeads, run.Stream));
    }
}

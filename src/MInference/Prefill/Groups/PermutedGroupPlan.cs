using MInference.Interop;
using MInference.Multimodal;
using MInference.Sparse;
using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Prefill.Groups;

/// <summary>
/// What MMInference's grid and boundary groups share: every head keeps a number of tiles fixed at
/// plan creation (so the index's size, the tiles computed and the fallback decisions are settled
/// then), a per-run token order per (batch, head) and a block index in that order, read by one
/// permuted-block attention launch (mi_attention_permuted_fwd). Subclasses reserve and enqueue the
/// steps that write the order and the index.
/// </summary>
internal abstract class PermutedGroupPlan : GroupPlan
{
    private readonly long _tileEntriesPerHead;
    private long _rowPointers;
    private long _blocks;

    /// <param name="context">The plan's shape, options and costs.</param>
    /// <param name="pattern">The heads' pattern.</param>
    /// <param name="heads">The group's heads.</param>
    /// <param name="tilesPerHead">Kept 64 × 64 tiles of one head in one batch element.</param>
    /// <param name="stepLaunches">Launches of the order and selection steps, charged to the group's heads in the cost model.</param>
    protected PermutedGroupPlan(GroupPlanContext context, HeadPattern pattern, int[] heads, long tilesPerHead, int stepLaunches)
        : base(context, pattern, heads)
    {
        CausalProblem problem = context.Problem;
        // Every kept tile counted whole (masked pairs inside included): what the kernel computes.
        _tileEntriesPerHead = problem.Batch * tilesPerHead * SparseBlocks.Size * SparseBlocks.Size;
        double density = Math.Min(1, _tileEntriesPerHead / (double)context.CausalEntriesPerHead);
        double cost = HeadCosts.BlockSparse(context.Costs, tilesPerHead, problem.SequenceLength, problem.Batch, problem.HeadDim);
        double overhead = ((stepLaunches * context.Costs.Launch) + context.Costs.BlockSparseEstimateFixed) / heads.Length;
        DenseFallback?[] decisions = heads.Select(head => context.DecideBeforeRun(head, pattern, density, cost, overhead)).ToArray();
        StaticFallbacks = decisions.OfType<DenseFallback>().ToArray();
        SparseHeads = heads.Where((_, i) => decisions[i] is null).ToArray();
        Rows = (long)problem.Batch * SparseHeads.Length * context.QueryBlocks;
        IndexEntries = problem.Batch * SparseHeads.Length * tilesPerHead;
    }

    public sealed override int AttentionLaunches => SparseHeads.Length == 0 ? 0 : 1;

    /// <summary>The heads that run the pattern (the others went dense at plan creation).</summary>
    protected int[] SparseHeads { get; }

    /// <summary>Index rows: batch × sparse heads × query blocks.</summary>
    protected long Rows { get; }

    /// <summary>Entries of the index.</summary>
    protected long IndexEntries { get; }

    /// <summary>Workspace offset of the orders, int32 [batch, sparse heads, N].</summary>
    protected long OrderOffset { get; private set; }

    public sealed override void Reserve(PlanWorkspace workspace, double indexShare)
    {
        if (SparseHeads.Length == 0)
        {
            return;
        }

        long lists = (long)Context.Problem.Batch * SparseHeads.Length;
        OrderOffset = workspace.Reserve(lists * Context.Problem.SequenceLength * sizeof(int));
        _rowPointers = workspace.Reserve((Rows + 1) * sizeof(long));
        _blocks = workspace.Reserve(IndexEntries * sizeof(int));
        ReserveSteps(workspace);
    }

    public sealed override SparsePrefillStepTimes EnqueueEstimation(PlanRun run) =>
        SparseHeads.Length == 0 ? default : new SparsePrefillStepTimes(run.Timed(EnqueueOrder), run.Timed(EnqueueSelection), 0);

    public sealed override float EnqueueAttention(PlanRun run) => SparseHeads.Length == 0 ? 0 : run.Timed(Launch);

    public sealed override PatternGroupReport Report(PlanReadback readback, SparsePrefillStepTimes? times)
    {
        PermutedBlockIndex? copy = (Context.Options.KeepIndices || Context.Options.ExactDensity) && SparseHeads.Length > 0 ? Download(readback) : null;
        long entriesPerHead = copy is null ? _tileEntriesPerHead : copy.ComputedEntries() / SparseHeads.Length;
        return StaticReport(SparseHeads, entriesPerHead, times, Context.Options.KeepIndices ? copy : null);
    }

    /// <summary>Reserves the regions of the order and selection steps (called after the order and the index).</summary>
    protected abstract void ReserveSteps(PlanWorkspace workspace);

    /// <summary>Enqueues the steps that write each head's order (timed as estimation).</summary>
    protected abstract void EnqueueOrder(PlanRun run);

    /// <summary>Enqueues the selection that writes the index in that order.</summary>
    protected abstract void EnqueueSelection(PlanRun run);

    /// <summary>Device address of the index's row pointers (null run: 0, for size queries).</summary>
    protected nint RowPointersAt(PlanRun? run) => run is null ? 0 : run.At(_rowPointers);

    /// <summary>Device address of the index's blocks (null run: 0, for size queries).</summary>
    protected nint BlocksAt(PlanRun? run) => run is null ? 0 : run.At(_blocks);

    private PermutedBlockIndex Download(PlanReadback readback)
    {
        CausalProblem problem = Context.Problem;
        int n = problem.SequenceLength;
        long lists = (long)problem.Batch * SparseHeads.Length;
        long[] rowPointers = readback.Read<long>(_rowPointers, Rows + 1);
        int[] blocks = readback.Read<int>(_blocks, IndexEntries);
        return PermutedBlockIndex.FromDevice(n, problem.Batch, SparseHeads, rowPointers, blocks, readback.Read<int>(OrderOffset, lists * n));
    }

    private void Launch(PlanRun run)
    {
        var args = new MiPermutedAttentionArgs
        {
            Attention = run.Attention,
            Blocks = new MiCsrIndex { RowPtr = run.At(_rowPointers), Values = run.At(_blocks), ValueCount = IndexEntries },
            Order = run.At(OrderOffset),
        };
        MiStatus.ThrowIfFailed(MiNative.PermutedForward(args, SparseHeads, run.Stream));
    }
}

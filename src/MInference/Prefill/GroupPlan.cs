using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Prefill;

/// <summary>
/// The part of a plan that runs the heads of one pattern: decided at plan creation (which heads may
/// run the pattern, what the workspace must hold), enqueued by every run, reported after it. Each
/// pattern brings its own (<see cref="HeadPattern.CreateGroupPlan"/>); the plan itself never looks
/// at the pattern's type.
/// </summary>
internal abstract class GroupPlan
{
    protected GroupPlan(GroupPlanContext context, HeadPattern pattern, int[] heads)
    {
        Context = context;
        Pattern = pattern;
        Heads = heads;
    }

    /// <summary>The pattern the heads are configured with.</summary>
    public HeadPattern Pattern { get; }

    /// <summary>The group's heads, ascending.</summary>
    public int[] Heads { get; }

    /// <summary>Heads sent to dense before the run, with the reason (none for the dense pattern's own heads).</summary>
    public DenseFallback[] StaticFallbacks { get; protected set; } = [];

    /// <summary>Heads the run computes dense whatever happens: the fallbacks, or every head of the dense pattern.</summary>
    public virtual int[] StaticDenseHeads => StaticFallbacks.Select(fallback => fallback.Head).ToArray();

    /// <summary>Heads whose route the device decides during the run (they appear in the layer's dense launch too).</summary>
    public virtual int[] DeviceRoutedHeads => [];

    /// <summary>The shape, options and cost model of the plan.</summary>
    protected GroupPlanContext Context { get; }

    /// <summary>Attention launches of the group per run (0 or 1).</summary>
    public abstract int AttentionLaunches { get; }

    /// <summary>Bytes of the largest index the group could build (what its index regions hold at full capacity).</summary>
    public virtual long IndexBoundBytes => 0;

    /// <summary>Reserves the group's workspace regions.</summary>
    /// <param name="workspace">The plan's layout.</param>
    /// <param name="indexShare">The fraction of <see cref="IndexBoundBytes"/> to reserve, in (0, 1]: below 1 when the bounds pass <see cref="SparsePrefillOptions.MaxIndexBytes"/>.</param>
    public abstract void Reserve(PlanWorkspace workspace, double indexShare);

    /// <summary>
    /// Enqueues what the group's routes depend on (estimation, index, the device route); returns its
    /// step times (zeros unless timed). The layer's dense launch waits for this part only.
    /// </summary>
    public virtual SparsePrefillStepTimes EnqueueEstimation(PlanRun run) => default;

    /// <summary>Enqueues the group's attention launch, if any; returns its milliseconds when timed (else 0).</summary>
    public abstract float EnqueueAttention(PlanRun run);

    /// <summary>The report of the finished run (the stream has been synchronised; device results may be read).</summary>
    public abstract PatternGroupReport Report(PlanReadback readback, SparsePrefillStepTimes? times);

    /// <summary>A report for heads whose decisions and entries are known on the host.</summary>
    protected PatternGroupReport StaticReport(int[] sparseHeads, long sparseEntriesPerHead, SparsePrefillStepTimes? times, object? indexCopy = null)
    {
        long causal = Context.CausalEntriesPerHead;
        var densities = new double[Heads.Length];
        long total = 0;
        for (int i = 0; i < Heads.Length; i++)
        {
            long entries = Array.IndexOf(sparseHeads, Heads[i]) >= 0 ? sparseEntriesPerHead : causal;
            densities[i] = entries / (double)causal;
            total += entries;
        }

        return new PatternGroupReport(Pattern, Heads, sparseHeads, StaticDenseHeads, StaticFallbacks, densities, total, densityIsExact: true)
        {
            StepTimes = times,
            BlockSparseIndex = indexCopy as BlockSparseIndex,
            VerticalSlashIndex = indexCopy as VerticalSlashIndex,
            PermutedBlockIndex = indexCopy as Multimodal.PermutedBlockIndex,
        };
    }
}

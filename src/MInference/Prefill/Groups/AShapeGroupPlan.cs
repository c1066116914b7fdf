using MInference.Interop;
using MInference.Sparse;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Prefill.Groups;

/// <summary>A-shape heads: the density is a closed form, so every decision is made at plan creation.</summary>
internal sealed class AShapeGroupPlan : GroupPlan
{
    private readonly AShapePattern _pattern;
    private readonly int[] _sparseHeads;
    private readonly long _entries;

    public AShapeGroupPlan(GroupPlanContext context, AShapePattern pattern, int[] heads)
        : base(context, pattern, heads)
    {
        _pattern = pattern;
        CausalProblem problem = context.Problem;
        _entries = problem.Batch * SparseDensity.AShapeEntries(problem.SequenceLength, pattern);
        double density = _entries / (double)context.CausalEntriesPerHead;
        double cost = HeadCosts.AShape(context.Costs, pattern, problem.SequenceLength, problem.Batch, problem.HeadDim);
        DenseFallback?[] decisions = heads.Select(head => context.DecideBeforeRun(head, pattern, density, cost, context.Costs.Launch / heads.Length)).ToArray();
        StaticFallbacks = decisions.OfType<DenseFallback>().ToArray();
        _sparseHeads = heads.Where((_, i) => decisions[i] is null).ToArray();
    }

    public override int AttentionLaunches => _sparseHeads.Length == 0 ? 0 : 1;

    public override void Reserve(PlanWorkspace workspace, double indexShare)
    {
    }

    public override float EnqueueAttention(PlanRun run) => _sparseHeads.Length == 0 ? 0 : run.Timed(Launch);

    public override PatternGroupReport Report(PlanReadback readback, SparsePrefillStepTimes? times) => StaticReport(_sparseHeads, _entries, times);

    private void Launch(PlanRun run)
    {
        var args = new MiAShapeAttentionArgs { Attention = run.Attention, SinkTokens = _pattern.SinkTokens, LocalWindow = _pattern.LocalWindow };
        MiStatus.ThrowIfFailed(MiNative.AShapeForward(args, _sparseHeads, run.Stream));
    }
}

using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;

namespace MInference.Prefill.Groups;

/// <summary>The dense pattern's heads: nothing of their own to launch; the layer's dense launch computes them.</summary>
internal sealed class DenseGroupPlan(GroupPlanContext context, DensePattern pattern, int[] heads) : GroupPlan(context, pattern, heads)
{
    public override int[] StaticDenseHeads => Heads;

    public override int AttentionLaunches => 0;

    public override void Reserve(PlanWorkspace workspace, double indexShare)
    {
    }

    public override float EnqueueAttention(PlanRun run) => 0;

    public override PatternGroupReport Report(PlanReadback readback, SparsePrefillStepTimes? times) => StaticReport([], 0, times);
}

using MInference.Sla;

namespace MInference.Cli.Sla;

/// <summary>The block classes of one head, summed over the batch: (query block, key block) pairs.</summary>
internal readonly record struct SlaClassCounts(long Critical, long Marginal, long Negligible)
{
    public long Total => Critical + Marginal + Negligible;

    /// <summary>Per head, the classes of <paramref name="masks"/> ([batch · heads], head fastest) summed over the batch.</summary>
    public static SlaClassCounts[] PerHead(IReadOnlyList<SlaBlockMask> masks, int heads)
    {
        var counts = new SlaClassCounts[heads];
        for (int index = 0; index < masks.Count; index++)
        {
            SlaClassCounts sum = counts[index % heads];
            foreach (SlaBlockClass blockClass in masks[index].Classes)
            {
                sum = blockClass switch
                {
                    SlaBlockClass.Critical => sum with { Critical = sum.Critical + 1 },
                    SlaBlockClass.Negligible => sum with { Negligible = sum.Negligible + 1 },
                    _ => sum with { Marginal = sum.Marginal + 1 },
                };
            }

            counts[index % heads] = sum;
        }

        return counts;
    }
}

/// <summary>What a backend's run of `sla` gives, on the host: every output [B, H, N, D] contiguous, and the mask and timings.</summary>
/// <param name="Device">The device's name (the GPU's, or the CPU's description).</param>
/// <param name="Dense">Dense (full softmax) attention's output.</param>
/// <param name="Sparse">SLA's output with Proj at zero: the critical branch alone.</param>
/// <param name="Fitted">SLA's output after fitting Proj, or null without fitting.</param>
/// <param name="ErrorCurve">‖O − O_dense‖ / ‖O_dense‖ before each Adam step and after the last (one value without fitting).</param>
/// <param name="Classes">Per head, the mask's classes summed over the batch.</param>
/// <param name="CriticalBlocksPerRow">Critical key blocks per query-block row.</param>
/// <param name="NegligibleBlocksPerRow">Negligible key blocks per row.</param>
/// <param name="PlotMask">The drawn head's mask (batch 0), or null without a picture.</param>
/// <param name="Timings">SLA and dense, forward and backward.</param>
internal sealed record SlaRunOutputs(
    string Device, float[] Dense, float[] Sparse, float[]? Fitted, double[] ErrorCurve, SlaClassCounts[] Classes, int CriticalBlocksPerRow, int NegligibleBlocksPerRow,
    SlaBlockMask? PlotMask, SlaTimings Timings);

using System.Diagnostics;
using MInference.Prefill;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Evaluation;

/// <summary>
/// A layer on the CPU backend. Sparse runs follow <see cref="SparsePrefillPlan"/> step for step:
/// heads grouped by pattern, the same fallback decisions (made by the same group plans and cost
/// formulas, under the CPU's cost model unless the options name one), each group estimated and
/// indexed, the dense heads computed together. Outputs are rounded to the dtype, as the kernels
/// store them, so CPU and GPU errors compare like for like. Every call runs once and is timed by a
/// stopwatch (cheap next to the reference itself), whether or not timing was asked for.
/// </summary>
internal sealed class CpuPrefillLayer(LayerInputs inputs) : IPrefillLayer
{
    public LayerInputs Inputs { get; } = inputs;

    public LayerRun Dense(bool timed = true)
    {
        var stopwatch = Stopwatch.StartNew();
        (float[] output, float[] logSumExp) = NewResult();
        int[] heads = Enumerable.Range(0, Inputs.Heads).ToArray();
        SparseAttentionReference.DenseCausal(Inputs.Q, Inputs.K, Inputs.V, heads, new HostTensor(output, Inputs.OutputLayout), logSumExp);
        RoundToDType(output);
        stopwatch.Stop();
        HeadRun[] runs = heads.Select(head => new HeadRun(head, new DensePattern(), null, 1, VisibleKeys.DenseCausal)).ToArray();
        return new LayerRun(output, logSumExp, runs, stopwatch.Elapsed.TotalMilliseconds);
    }

    public LayerRun Sparse(IReadOnlyList<HeadPattern> headPatterns, SparsePrefillOptions options, bool timed = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        PatternHeadGroup[] groups = SparsePrefillValidation.Group(headPatterns, Inputs.Heads, nameof(headPatterns));
        options.Validate(nameof(options));
        var stopwatch = Stopwatch.StartNew();
        (float[] output, float[] logSumExp) = NewResult();
        var target = new HostTensor(output, Inputs.OutputLayout);
        var plan = new GroupPlanContext(
            Inputs.Problem, Inputs.DType, options, options.CostModel ?? PrefillCostModel.CpuReference);
        var runs = new HeadRun[Inputs.Heads];
        var denseHeads = new List<int>();
        foreach (PatternHeadGroup group in groups)
        {
            // The same decisions as the GPU plan: the group's plan decides before estimation, and
            // heads it routes after estimation are routed here by the host twin of mi_vs_route.
            GroupPlan decisions = group.Pattern.CreateGroupPlan(plan, group.Heads.ToArray());
            Dictionary<int, DenseFallbackReason> reasons = decisions.StaticFallbacks.ToDictionary(fallback => fallback.Head, fallback => fallback.Reason);
            foreach (int head in decisions.StaticDenseHeads)
            {
                runs[head] = new HeadRun(head, group.Pattern, reasons.TryGetValue(head, out DenseFallbackReason reason) ? reason : null, 1, VisibleKeys.DenseCausal);
                denseHeads.Add(head);
            }

            int[] sparse = group.Heads.ToArray().Except(decisions.StaticDenseHeads).ToArray();
            if (sparse.Length == 0)
            {
                continue;
            }

            ReferenceGroup run = group.Pattern.RunReference(Inputs.Q, Inputs.K, Inputs.V, sparse, target, logSumExp, new SparseReferenceOptions { Modalities = options.Modalities });
            for (int slot = 0; slot < sparse.Length; slot++)
            {
                double density = run.Entries[slot] / (double)plan.CausalEntriesPerHead;
                DenseFallbackReason? reason = run.RouteTiles is { } tiles
                    ? HeadCosts.VerticalSlashRoute(
                        tiles[slot].Blocks, tiles[slot].ColumnTiles, tiles[slot].EntriesBound, pastCapacity: false,
                        VerticalSlashTileCosts.Of(plan.Costs, Inputs.HeadDim), Inputs.BatchSize, Inputs.SequenceLength, options.MaxDensity)
                    : null;
                runs[sparse[slot]] = reason is null
                    ? new HeadRun(sparse[slot], group.Pattern, null, density, run.VisibleKeys(slot))
                    : new HeadRun(sparse[slot], group.Pattern, reason, 1, VisibleKeys.DenseCausal);
                if (reason is not null)
                {
                    denseHeads.Add(sparse[slot]);
                }
            }
        }

        if (denseHeads.Count > 0)
        {
            // Written after the sparse groups: fallback heads computed sparse above are overwritten.
            SparseAttentionReference.DenseCausal(Inputs.Q, Inputs.K, Inputs.V, denseHeads.Order().ToArray(), target, logSumExp);
        }

        RoundToDType(output);
        stopwatch.Stop();
        return new LayerRun(output, logSumExp, runs, stopwatch.Elapsed.TotalMilliseconds);
    }

    public void Dispose()
    {
    }

    private (float[] Output, float[] LogSumExp) NewResult() =>
        (new float[Inputs.OutputLayout.ElementCount], new float[(long)Inputs.BatchSize * Inputs.Heads * Inputs.SequenceLength]);

    private void RoundToDType(float[] output)
    {
        var bits = new ushort[output.Length];
        HalfPrecision.Encode(output, bits, Inputs.DType);
        HalfPrecision.Decode(bits, output, Inputs.DType);
    }
}

using System.Diagnostics;
using MInference.Sparse;

namespace MInference.Evaluation;

/// <summary>
/// A layer on the CPU backend. Sparse runs follow <see cref="SparsePrefill"/> step for step: heads
/// grouped by pattern, each group estimated and indexed, the fallback policy applied to the exact
/// densities, the dense heads computed together. Outputs are rounded to the dtype, as the kernels
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
        var runs = new HeadRun[Inputs.Heads];
        var denseHeads = new List<int>();
        foreach (PatternHeadGroup group in groups)
        {
            int[] heads = group.Heads.ToArray();
            if (group.Pattern is DensePattern || options.IsTooShort(Inputs.SequenceLength, group.Pattern))
            {
                DenseFallbackReason? reason = group.Pattern is DensePattern ? null : DenseFallbackReason.ShortSequence;
                foreach (int head in heads)
                {
                    runs[head] = new HeadRun(head, group.Pattern, reason, 1, VisibleKeys.DenseCausal);
                }

                denseHeads.AddRange(heads);
                continue;
            }

            GroupRun run = RunGroup(group.Pattern, heads, target, logSumExp);
            for (int slot = 0; slot < heads.Length; slot++)
            {
                bool fallsBack = options.IsTooDense(run.Densities[slot]);
                runs[heads[slot]] = fallsBack
                    ? new HeadRun(heads[slot], group.Pattern, DenseFallbackReason.DensityAboveLimit, 1, VisibleKeys.DenseCausal)
                    : new HeadRun(heads[slot], group.Pattern, null, run.Densities[slot], run.VisibleKeys(slot));
                if (fallsBack)
                {
                    denseHeads.Add(heads[slot]);
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

    /// <summary>Estimates, indexes and computes one sparse group; returns each head's density and mask.</summary>
    private GroupRun RunGroup(HeadPattern pattern, int[] heads, HostTensor target, float[] logSumExp)
    {
        (ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v) = (Inputs.Q, Inputs.K, Inputs.V);
        int n = Inputs.SequenceLength;
        double causal = (double)Inputs.BatchSize * SparseDensity.CausalEntries(n);
        switch (pattern)
        {
            case AShapePattern aShape:
                SparseAttentionReference.AShape(q, k, v, heads, aShape, target, logSumExp);
                double density = SparseDensity.AShapeEntries(n, aShape) / (double)SparseDensity.CausalEntries(n);
                return new GroupRun([.. heads.Select(_ => density)], _ => VisibleKeys.AShape(aShape));
            case VerticalSlashPattern verticalSlash:
                VerticalSlashIndex vsIndex = VerticalSlashIndexBuilder.Build(VerticalSlashEstimation.Estimate(q, k, heads, verticalSlash).Selection);
                SparseAttentionReference.VerticalSlash(q, k, v, vsIndex, target, logSumExp);
                return new GroupRun(
                    [.. heads.Select((_, slot) => Enumerable.Range(0, Inputs.BatchSize).Sum(batch => SparseDensity.VerticalSlashEntries(vsIndex, batch, slot)) / causal)],
                    slot => VisibleKeys.VerticalSlash(vsIndex, 0, slot));
            case BlockSparsePattern blockSparse:
                BlockSparseIndex blockIndex = BlockSparseEstimation.Estimate(q, k, heads, blockSparse);
                SparseAttentionReference.BlockSparse(q, k, v, blockIndex, target, logSumExp);
                return new GroupRun(
                    [.. heads.Select((_, slot) => Enumerable.Range(0, Inputs.BatchSize).Sum(batch => SparseDensity.BlockSparseEntries(blockIndex, batch, slot)) / causal)],
                    slot => VisibleKeys.BlockSparse(blockIndex, 0, slot));
            default:
                throw new NotSupportedException($"pattern {pattern} has no CPU reference");
        }
    }

    private (float[] Output, float[] LogSumExp) NewResult() =>
        (new float[Inputs.OutputLayout.ElementCount], new float[(long)Inputs.BatchSize * Inputs.Heads * Inputs.SequenceLength]);

    private void RoundToDType(float[] output)
    {
        var bits = new ushort[output.Length];
        HalfPrecision.Encode(output, bits, Inputs.DType);
        HalfPrecision.Decode(bits, output, Inputs.DType);
    }

    private sealed record GroupRun(double[] Densities, Func<int, Func<int, int[]>> VisibleKeys);
}

namespace MInference.Evaluation;

/// <summary>
/// How closely one head of a sparse run reproduces the dense run, over every batch element and row.
/// </summary>
/// <param name="RelativeL2">‖O_sparse − O_dense‖₂ / ‖O_dense‖₂ over the head's outputs.</param>
/// <param name="MaxAbs">The largest |O_sparse − O_dense| of any element.</param>
/// <param name="Recall">
/// The fraction of the dense softmax mass that the computed entries hold, averaged over rows:
/// exp(lse_sparse − lse_dense) per row, exact because both log-sum-exps share the scale (1 when the
/// head ran dense; a sparse row can only drop mass, so values above 1 are rounding).
/// </param>
public readonly record struct HeadAccuracy(double RelativeL2, double MaxAbs, double Recall)
{
    /// <summary>Compares one query head of two runs of the same layer.</summary>
    /// <exception cref="ArgumentException">The runs' sizes differ from the layer's.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="head"/> is out of range.</exception>
    public static HeadAccuracy Compare(LayerInputs layer, LayerRun dense, LayerRun sparse, int head)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(sparse);
        ArgumentOutOfRangeException.ThrowIfNegative(head);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(head, layer.Heads);
        long outputs = layer.OutputLayout.ElementCount;
        long rows = (long)layer.BatchSize * layer.Heads * layer.SequenceLength;
        foreach (LayerRun run in (ReadOnlySpan<LayerRun>)[dense, sparse])
        {
            if (run.Output.LongLength != outputs || run.LogSumExp.LongLength != rows)
            {
                throw new ArgumentException($"a run holds {run.Output.LongLength} outputs and {run.LogSumExp.LongLength} rows; the layer has {outputs} and {rows}");
            }
        }

        int n = layer.SequenceLength;
        int d = layer.HeadDim;
        double differenceSquares = 0, referenceSquares = 0, maxAbs = 0, recall = 0;
        for (int batch = 0; batch < layer.BatchSize; batch++)
        {
            long rowBase = (((long)batch * layer.Heads) + head) * n;
            ReadOnlySpan<float> reference = dense.Output.AsSpan().Slice((int)(rowBase * d), n * d);
            ReadOnlySpan<float> candidate = sparse.Output.AsSpan().Slice((int)(rowBase * d), n * d);
            for (int i = 0; i < reference.Length; i++)
            {
                double difference = (double)candidate[i] - reference[i];
                differenceSquares += difference * difference;
                referenceSquares += (double)reference[i] * reference[i];
                maxAbs = Math.Max(maxAbs, Math.Abs(difference));
            }

            for (int row = 0; row < n; row++)
            {
                recall += Math.Exp((double)sparse.LogSumExp[rowBase + row] - dense.LogSumExp[rowBase + row]);
            }
        }

        double relative = referenceSquares > 0 ? Math.Sqrt(differenceSquares / referenceSquares) : Math.Sqrt(differenceSquares);
        return new HeadAccuracy(relative, maxAbs, recall / ((double)layer.BatchSize * n));
    }
}

namespace MInference;

/// <summary>One validated dense attention problem for <see cref="CpuAttention"/>, computed one (batch, head) at a time.</summary>
internal sealed class CpuDenseAttention(
    ReadOnlyHostTensor q,
    ReadOnlyHostTensor k,
    ReadOnlyHostTensor v,
    HostTensor output,
    Memory<float> logSumExp,
    AttentionShape shape,
    double scale,
    bool causal,
    int[] rows)
{
    /// <summary>Computes the selected rows of one (batch, head) pair; <paramref name="batchHead"/> = batch * q_heads + head.</summary>
    public void ComputeHead(long batchHead)
    {
        long batch = batchHead / shape.QHeads;
        long head = batchHead % shape.QHeads;
        long kvHead = head / shape.GroupSize;
        var scores = new double[shape.KvLen];
        var accumulator = new double[shape.HeadDim];
        foreach (int row in rows)
        {
            double rowLogSumExp = ComputeRow(batch, head, kvHead, row, scores, accumulator);
            if (!logSumExp.IsEmpty)
            {
                logSumExp.Span[(int)(batchHead * shape.QLen + row)] = (float)rowLogSumExp;
            }
        }
    }

    /// <summary>Writes one output row and returns its log-sum-exp.</summary>
    private double ComputeRow(long batch, long head, long kvHead, long row, double[] scores, double[] accumulator)
    {
        ReadOnlySpan<float> queries = q.Data.Span;
        ReadOnlySpan<float> keys = k.Data.Span;
        ReadOnlySpan<float> values = v.Data.Span;
        ReadOnlySpan<nint> qStrides = q.Layout.Strides;
        ReadOnlySpan<nint> kStrides = k.Layout.Strides;
        ReadOnlySpan<nint> vStrides = v.Layout.Strides;

        // Bottom-right causal alignment: the last query row sees every key.
        long visibleKeys = causal ? row + (shape.KvLen - shape.QLen) + 1 : shape.KvLen;
        long queryBase = (batch * qStrides[0]) + (head * qStrides[1]) + (row * qStrides[2]);

        double maxScore = double.NegativeInfinity;
        for (long key = 0; key < visibleKeys; key++)
        {
            long keyBase = (batch * kStrides[0]) + (kvHead * kStrides[1]) + (key * kStrides[2]);
            double dot = 0;
            for (long d = 0; d < shape.HeadDim; d++)
            {
                dot += (double)queries[(int)(queryBase + (d * qStrides[3]))] * keys[(int)(keyBase + (d * kStrides[3]))];
            }

            scores[key] = scale * dot;
            maxScore = Math.Max(maxScore, scores[key]);
        }

        double sum = 0;
        Array.Clear(accumulator);
        for (long key = 0; key < visibleKeys; key++)
        {
            double weight = Math.Exp(scores[key] - maxScore);
            sum += weight;
            long valueBase = (batch * vStrides[0]) + (kvHead * vStrides[1]) + (key * vStrides[2]);
            for (long d = 0; d < shape.HeadDim; d++)
            {
                accumulator[d] += weight * values[(int)(valueBase + (d * vStrides[3]))];
            }
        }

        Span<float> outputs = output.Data.Span;
        ReadOnlySpan<nint> oStrides = output.Layout.Strides;
        long outputBase = (batch * oStrides[0]) + (head * oStrides[1]) + (row * oStrides[2]);
        for (long d = 0; d < shape.HeadDim; d++)
        {
            outputs[(int)(outputBase + (d * oStrides[3]))] = (float)(accumulator[d] / sum);
        }

        return maxScore + Math.Log(sum);
    }
}

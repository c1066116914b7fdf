namespace MInference.Tests.Support;

/// <summary>
/// An independent formulation of dense attention for checking <see cref="CpuAttention"/>: contiguous
/// BHSD arrays, the whole score matrix materialised, the mask applied as −∞, and the softmax done as
/// a separate step, in the textbook order. Deliberately shares no code with the library.
/// </summary>
internal static class NaiveAttention
{
    /// <summary>Returns (output [B, Hq, Nq, D], logSumExp [B, Hq, Nq]).</summary>
    public static (float[] Output, float[] LogSumExp) Compute(
        float[] q, float[] k, float[] v, int batch, int qHeads, int kvHeads, int qLen, int kvLen, int headDim, bool causal, double scale)
    {
        var output = new float[batch * qHeads * qLen * headDim];
        var logSumExp = new float[batch * qHeads * qLen];
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < qHeads; h++)
            {
                int kvHead = h * kvHeads / qHeads;
                double[,] scores = Scores(q, k, b, h, kvHead, qHeads, kvHeads, qLen, kvLen, headDim, scale);
                if (causal)
                {
                    ApplyBottomRightMask(scores);
                }

                double[] rowLogSumExp = SoftmaxRowsInPlace(scores);
                for (int i = 0; i < qLen; i++)
                {
                    logSumExp[((b * qHeads) + h) * qLen + i] = (float)rowLogSumExp[i];
                    for (int d = 0; d < headDim; d++)
                    {
                        double sum = 0;
                        for (int j = 0; j < kvLen; j++)
                        {
                            sum += scores[i, j] * v[(((b * kvHeads) + kvHead) * kvLen + j) * headDim + d];
                        }

                        output[(((b * qHeads) + h) * qLen + i) * headDim + d] = (float)sum;
                    }
                }
            }
        }

        return (output, logSumExp);
    }

    private static double[,] Scores(
        float[] q, float[] k, int b, int h, int kvHead, int qHeads, int kvHeads, int qLen, int kvLen, int headDim, double scale)
    {
        var scores = new double[qLen, kvLen];
        for (int i = 0; i < qLen; i++)
        {
            for (int j = 0; j < kvLen; j++)
            {
                double dot = 0;
                for (int d = 0; d < headDim; d++)
                {
                    dot += (double)q[(((b * qHeads) + h) * qLen + i) * headDim + d] * k[(((b * kvHeads) + kvHead) * kvLen + j) * headDim + d];
                }

                scores[i, j] = dot * scale;
            }
        }

        return scores;
    }

    /// <summary>Query i sees key j when j − i &lt;= kv_len − q_len (the last query sees every key).</summary>
    private static void ApplyBottomRightMask(double[,] scores)
    {
        int qLen = scores.GetLength(0);
        int kvLen = scores.GetLength(1);
        for (int i = 0; i < qLen; i++)
        {
            for (int j = 0; j < kvLen; j++)
            {
                if (j - i > kvLen - qLen)
                {
                    scores[i, j] = double.NegativeInfinity;
                }
            }
        }
    }

    /// <summary>Replaces each row by its softmax; returns each row's log Σ exp.</summary>
    private static double[] SoftmaxRowsInPlace(double[,] scores)
    {
        var logSumExp = new double[scores.GetLength(0)];
        for (int i = 0; i < scores.GetLength(0); i++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < scores.GetLength(1); j++)
            {
                max = Math.Max(max, scores[i, j]);
            }

            double sum = 0;
            for (int j = 0; j < scores.GetLength(1); j++)
            {
                sum += Math.Exp(scores[i, j] - max);
            }

            for (int j = 0; j < scores.GetLength(1); j++)
            {
                scores[i, j] = Math.Exp(scores[i, j] - max) / sum;
            }

            logSumExp[i] = max + Math.Log(sum);
        }

        return logSumExp;
    }
}

namespace MInference.Decode;

/// <summary>
/// CPU references of one decode step: each sequence's one query row per head attends over every token
/// its cache holds (no mask: the query is the newest position). GQA: query head h reads kv head
/// h / (heads / kv_heads). Scores, softmax and the weighted sum are accumulated in double and rounded
/// to float once at the end; the log-sum-exp (natural log, of the scaled scores) is optional.
/// A sequence with no tokens gives a zero output row and a log-sum-exp of −∞: the identity of the
/// log-sum-exp merge, so a split-K kernel can treat empty splits and empty sequences alike.
/// </summary>
public static class CpuDecodeAttention
{
    /// <summary>
    /// Decode over a <see cref="PqKvCache"/>: coded tokens scored through a per-head lookup table
    /// LUT[m][c] = q_m · centroid_K[m][c] (score = scale · Σ_m LUT[m][code_m]), their values gathered by
    /// "weight binning" (w[m][c] += p for each token's value code, then o_m = Σ_c w[m][c] · centroid_V[m][c]),
    /// plus the window's 16-bit tokens attended directly; one softmax over both.
    /// </summary>
    /// <param name="cache">The cache.</param>
    /// <param name="queries">[B, heads, head_dim], heads a multiple of kv_heads; any strides.</param>
    /// <param name="output">[B, heads, head_dim], written.</param>
    /// <param name="logSumExp">Empty, or B·heads floats written in (sequence, head) order.</param>
    /// <param name="softmaxScale">Score scale; null for 1 / sqrt(head_dim).</param>
    /// <exception cref="ArgumentException">A shape or the log-sum-exp length is wrong, or a query is not finite.</exception>
    public static void Pq(PqKvCache cache, ReadOnlyHostTensor queries, HostTensor output, Span<float> logSumExp = default, double? softmaxScale = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var problem = new DecodeProblem(queries, output, logSumExp, cache.BatchSize, cache.KvHeads, cache.HeadDim, softmaxScale);
        float[] lse = problem.Run((sequence, head, query, row) =>
        {
            int kvHead = head / problem.GroupSize;
            PqCodebook keyBook = cache.Codebooks.Keys(cache.Layer, kvHead);
            PqCodebook valueBook = cache.Codebooks.Values(cache.Layer, kvHead);
            int coded = cache.CodedLength(sequence);
            var scores = new double[cache.Length(sequence)];
            ScoreCodes(keyBook, query, cache.KeyCodes(sequence, kvHead), problem.Scale, scores.AsSpan(0, coded));
            var window = DecodeProblem.Widen(cache.KeyWindow(sequence, kvHead), cache.DType);
            DecodeProblem.ScoreRows(query, window, problem.Scale, scores.AsSpan(coded));
            double logSum = DecodeProblem.Softmax(scores);
            BinValues(valueBook, cache.ValueCodes(sequence, kvHead), scores.AsSpan(0, coded), row);
            DecodeProblem.AddRows(DecodeProblem.Widen(cache.ValueWindow(sequence, kvHead), cache.DType), scores.AsSpan(coded), row);
            return logSum;
        });
        if (!logSumExp.IsEmpty)
        {
            lse.CopyTo(logSumExp);
        }
    }

    /// <summary>Dense decode over a <see cref="DenseKvCache"/>'s exact 16-bit keys and values (the baseline and the fallback).</summary>
    /// <param name="cache">The cache.</param>
    /// <param name="queries">[B, heads, head_dim], heads a multiple of kv_heads; any strides.</param>
    /// <param name="output">[B, heads, head_dim], written.</param>
    /// <param name="logSumExp">Empty, or B·heads floats written in (sequence, head) order.</param>
    /// <param name="softmaxScale">Score scale; null for 1 / sqrt(head_dim).</param>
    /// <exception cref="ArgumentException">A shape or the log-sum-exp length is wrong, or a query is not finite.</exception>
    public static void Dense(DenseKvCache cache, ReadOnlyHostTensor queries, HostTensor output, Span<float> logSumExp = default, double? softmaxScale = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var problem = new DecodeProblem(queries, output, logSumExp, cache.BatchSize, cache.KvHeads, cache.HeadDim, softmaxScale);
        float[] lse = problem.Run((sequence, head, query, row) =>
        {
            int kvHead = head / problem.GroupSize;
            var scores = new double[cache.Length(sequence)];
            DecodeProblem.ScoreRows(query, DecodeProblem.Widen(cache.Keys(sequence, kvHead), cache.DType), problem.Scale, scores);
            double logSum = DecodeProblem.Softmax(scores);
            DecodeProblem.AddRows(DecodeProblem.Widen(cache.Values(sequence, kvHead), cache.DType), scores, row);
            return logSum;
        });
        if (!logSumExp.IsEmpty)
        {
            lse.CopyTo(logSumExp);
        }
    }

    private static void ScoreCodes(PqCodebook codebook, double[] query, ReadOnlySpan<byte> codes, double scale, Span<double> scores)
    {
        int subspaces = codebook.Subspaces;
        int subDim = codebook.SubspaceDim;
        var table = new double[subspaces * codebook.Centroids];
        for (int m = 0; m < subspaces; m++)
        {
            for (int c = 0; c < codebook.Centroids; c++)
            {
                ReadOnlySpan<float> centroid = codebook.Centroid(m, c);
                double dot = 0;
                for (int j = 0; j < subDim; j++)
                {
                    dot += query[(m * subDim) + j] * centroid[j];
                }

                table[(m * codebook.Centroids) + c] = dot;
            }
        }

        for (int token = 0; token < scores.Length; token++)
        {
            double sum = 0;
            for (int m = 0; m < subspaces; m++)
            {
                sum += table[(m * codebook.Centroids) + codes[(token * subspaces) + m]];
            }

            scores[token] = scale * sum;
        }
    }

    private static void BinValues(PqCodebook codebook, ReadOnlySpan<byte> codes, ReadOnlySpan<double> weights, double[] row)
    {
        int subspaces = codebook.Subspaces;
        var bins = new double[subspaces * codebook.Centroids];
        for (int token = 0; token < weights.Length; token++)
        {
            for (int m = 0; m < subspaces; m++)
            {
                bins[(m * codebook.Centroids) + codes[(token * subspaces) + m]] += weights[token];
            }
        }

        int subDim = codebook.SubspaceDim;
        for (int m = 0; m < subspaces; m++)
        {
            for (int c = 0; c < codebook.Centroids; c++)
            {
                double weight = bins[(m * codebook.Centroids) + c];
                if (weight != 0)
                {
                    ReadOnlySpan<float> centroid = codebook.Centroid(m, c);
                    for (int j = 0; j < subDim; j++)
                    {
                        row[(m * subDim) + j] += weight * centroid[j];
                    }
                }
            }
        }
    }
}

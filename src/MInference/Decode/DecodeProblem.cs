namespace MInference.Decode;

/// <summary>The validated operands of one <see cref="CpuDecodeAttention"/> call and the steps both of its references share.</summary>
internal sealed class DecodeProblem
{
    private readonly ReadOnlyHostTensor _queries;
    private readonly HostTensor _output;
    private readonly int _batchSize;
    private readonly int _heads;
    private readonly int _headDim;

    public DecodeProblem(ReadOnlyHostTensor queries, HostTensor output, ReadOnlySpan<float> logSumExp, int batchSize, int kvHeads, int headDim, double? softmaxScale)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(output);
        ReadOnlySpan<nint> lengths = queries.Layout.Lengths;
        if (queries.Layout.Rank != 3 || lengths[0] != batchSize || lengths[2] != headDim || lengths[1] < 1 || lengths[1] % kvHeads != 0)
        {
            throw new ArgumentException($"queries has layout {queries.Layout}; expected [B = {batchSize}, heads (a multiple of kv_heads = {kvHeads}), head_dim = {headDim}]", nameof(queries));
        }

        _batchSize = batchSize;
        _heads = (int)lengths[1];
        _headDim = headDim;
        if (!output.Layout.Lengths.SequenceEqual(lengths) || !output.Layout.HasDistinctElementOffsets)
        {
            throw new ArgumentException($"output has layout {output.Layout}; expected [{batchSize}, {_heads}, {headDim}] like queries, without aliasing", nameof(output));
        }

        if (!logSumExp.IsEmpty && logSumExp.Length != batchSize * _heads)
        {
            throw new ArgumentException($"logSumExp holds {logSumExp.Length} floats; expected 0 or B·heads = {batchSize * _heads}", nameof(logSumExp));
        }

        if (softmaxScale is { } given && (!double.IsFinite(given) || given <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(softmaxScale), given, "expected a finite scale above 0");
        }

        _queries = queries;
        _output = output;
        ThrowIfNotFinite();
        GroupSize = _heads / kvHeads;
        Scale = softmaxScale ?? (1.0 / Math.Sqrt(headDim));
    }

    /// <summary>Query heads per kv head.</summary>
    public int GroupSize { get; }

    public double Scale { get; }

    /// <summary>
    /// Runs <paramref name="attend"/> for every (sequence, head) in parallel (each writes only its own
    /// row, so the result does not depend on threading): it gets the query (double) and a zeroed row, adds
    /// the softmax-weighted values into the row and returns the log-sum-exp. Returns the log-sum-exps in
    /// (sequence, head) order.
    /// </summary>
    public float[] Run(Func<int, int, double[], double[], double> attend)
    {
        var logSumExp = new float[_batchSize * _heads];
        Parallel.For(0, _batchSize * _heads, index =>
        {
            int sequence = index / _heads;
            int head = index % _heads;
            double[] query = ReadQuery(sequence, head);
            var row = new double[_headDim];
            double logSum = attend(sequence, head, query, row);
            WriteRow(sequence, head, row);
            logSumExp[index] = (float)logSum;
        });
        return logSumExp;
    }

    /// <summary>Widens 16-bit rows of <paramref name="dtype"/> to float.</summary>
    public static float[] Widen(ReadOnlySpan<ushort> bits, DType dtype)
    {
        var values = new float[bits.Length];
        HalfPrecision.Decode(bits, values, dtype);
        return values;
    }

    /// <summary>scores[t] = scale · q · rows[t].</summary>
    public static void ScoreRows(double[] query, ReadOnlySpan<float> rows, double scale, Span<double> scores)
    {
        int dim = query.Length;
        for (int token = 0; token < scores.Length; token++)
        {
            double dot = 0;
            for (int d = 0; d < dim; d++)
            {
                dot += query[d] * rows[(token * dim) + d];
            }

            scores[token] = scale * dot;
        }
    }

    /// <summary>Replaces the scores by their softmax weights and returns the log-sum-exp (−∞ when there are none).</summary>
    public static double Softmax(Span<double> scores)
    {
        if (scores.IsEmpty)
        {
            return double.NegativeInfinity;
        }

        double max = double.NegativeInfinity;
        foreach (double score in scores)
        {
            max = Math.Max(max, score);
        }

        double sum = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = Math.Exp(scores[i] - max);
            sum += scores[i];
        }

        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] /= sum;
        }

        return max + Math.Log(sum);
    }

    /// <summary>row += Σ_t weights[t] · rows[t].</summary>
    public static void AddRows(ReadOnlySpan<float> rows, ReadOnlySpan<double> weights, double[] row)
    {
        int dim = row.Length;
        for (int token = 0; token < weights.Length; token++)
        {
            for (int d = 0; d < dim; d++)
            {
                row[d] += weights[token] * rows[(token * dim) + d];
            }
        }
    }

    private void ThrowIfNotFinite()
    {
        for (int sequence = 0; sequence < _batchSize; sequence++)
        {
            for (int head = 0; head < _heads; head++)
            {
                int bad = Array.FindIndex(ReadQuery(sequence, head), value => !double.IsFinite(value));
                if (bad >= 0)
                {
                    throw new ArgumentException($"queries[{sequence}, {head}, {bad}] is not finite; expected finite queries", "queries");
                }
            }
        }
    }

    private double[] ReadQuery(int sequence, int head)
    {
        ReadOnlySpan<float> data = _queries.Data.Span;
        ReadOnlySpan<nint> strides = _queries.Layout.Strides;
        var query = new double[_headDim];
        for (int d = 0; d < _headDim; d++)
        {
            query[d] = data[(int)((sequence * strides[0]) + (head * strides[1]) + (d * strides[2]))];
        }

        return query;
    }

    private void WriteRow(int sequence, int head, double[] row)
    {
        Span<float> data = _output.Data.Span;
        ReadOnlySpan<nint> strides = _output.Layout.Strides;
        for (int d = 0; d < _headDim; d++)
        {
            data[(int)((sequence * strides[0]) + (head * strides[1]) + (d * strides[2]))] = (float)row[d];
        }
    }
}

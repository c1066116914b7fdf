namespace MInference.Sparse.References;

/// <summary>
/// One validated run of a <see cref="SparseAttentionReference"/> wrapper: computes the selected rows
/// of the listed heads, in parallel over (batch, head), each row over the keys a pattern makes visible.
/// </summary>
internal sealed class SparseReferenceRun
{
    private readonly ReadOnlyHostTensor _q;
    private readonly ReadOnlyHostTensor _k;
    private readonly ReadOnlyHostTensor _v;
    private readonly HostTensor _output;
    private readonly Memory<float> _logSumExp;
    private readonly CausalProblem _problem;
    private readonly double _scale;
    private readonly int[] _heads;
    private readonly int[] _rows;

    private SparseReferenceRun(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, HostTensor output, Memory<float> logSumExp,
        CausalProblem problem, double scale, int[] heads, int[] rows)
    {
        _q = q;
        _k = k;
        _v = v;
        _output = output;
        _logSumExp = logSumExp;
        _problem = problem;
        _scale = scale;
        _heads = heads;
        _rows = rows;
    }

    public CausalProblem Problem => _problem;

    /// <summary>The query rows to compute, ascending and distinct.</summary>
    public ReadOnlySpan<int> Rows => _rows;

    /// <summary>Validates the operands, the heads and the options.</summary>
    /// <exception cref="ArgumentException">A shape, overlap or length rule is broken, or the head list is empty or repeats a head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head or row is out of range, or the scale is not finite and positive.</exception>
    public static SparseReferenceRun Create(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, HostTensor output, Memory<float> logSumExp,
        SparseReferenceOptions options, ReadOnlySpan<int> heads, string headsName)
    {
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(output);
        CausalProblem problem = CausalProblem.Validate(q, k, v, output);
        int[] headList = problem.RequireHeads(heads, headsName);
        double scale = problem.ResolveScale(options.SoftmaxScale, nameof(options));

        long logSumExpLength = (long)problem.Batch * problem.QHeads * problem.SequenceLength;
        if (!logSumExp.IsEmpty && logSumExp.Length < logSumExpLength)
        {
            throw new ArgumentException($"logSumExp holds {logSumExp.Length} floats but batch * q_heads * q_len = {logSumExpLength}", nameof(logSumExp));
        }

        Span<float> logSumExpSpan = logSumExp.Span;
        if (logSumExpSpan.Overlaps(output.Data.Span) || logSumExpSpan.Overlaps(q.Data.Span) || logSumExpSpan.Overlaps(k.Data.Span) || logSumExpSpan.Overlaps(v.Data.Span))
        {
            throw new ArgumentException("logSumExp overlaps output or an input", nameof(logSumExp));
        }

        int[] rows = options.QueryRows is { } selected ? selected.ToArray() : Enumerable.Range(0, problem.SequenceLength).ToArray();
        foreach (int row in rows)
        {
            if (row < 0 || row >= problem.SequenceLength)
            {
                throw new ArgumentOutOfRangeException(nameof(options), row, $"options.QueryRows holds {row}; expected rows in [0, {problem.SequenceLength})");
            }
        }

        Array.Sort(rows);
        return new SparseReferenceRun(q, k, v, output, logSumExp, problem, scale, headList, rows.Distinct().ToArray());
    }

    /// <summary>Checks that an index was built for this problem's sequence length and batch size.</summary>
    /// <exception cref="ArgumentException">It was not.</exception>
    public void RequireIndexShape(int sequenceLength, int batchSize, string indexName)
    {
        if (sequenceLength != _problem.SequenceLength || batchSize != _problem.Batch)
        {
            throw new ArgumentException(
                $"{indexName} covers N = {sequenceLength}, batch {batchSize}; expected N = {_problem.SequenceLength}, batch {_problem.Batch} as q", indexName);
        }
    }

    /// <summary>
    /// Computes every selected row of every listed head. <paramref name="keysForHead"/> is called
    /// once per (batch, head slot) and returns, for a row, its visible keys: ascending, distinct, in [0, row].
    /// </summary>
    public void Execute(Func<int, int, Func<int, int[]>> keysForHead)
    {
        Parallel.For(0, _problem.Batch * _heads.Length, list =>
        {
            int batch = list / _heads.Length;
            int slot = list % _heads.Length;
            int head = _heads[slot];
            Func<int, int[]> keysOfRow = keysForHead(batch, slot);
            var scores = new double[_problem.SequenceLength];
            var output = new double[_problem.HeadDim];
            foreach (int row in _rows)
            {
                var queries = new HeadRows(_q, batch, head);
                int kvHead = head / _problem.GroupSize;
                double logSumExp = SparseAttentionReference.Attend(
                    queries, row, new HeadRows(_k, batch, kvHead), new HeadRows(_v, batch, kvHead), keysOfRow(row), _scale, scores, output);
                WriteRow(batch, head, row, output, logSumExp);
            }
        });
    }

    private void WriteRow(int batch, int head, int row, double[] values, double logSumExp)
    {
        Span<float> output = _output.Data.Span;
        ReadOnlySpan<nint> strides = _output.Layout.Strides;
        long rowBase = ((long)batch * strides[0]) + ((long)head * strides[1]) + ((long)row * strides[2]);
        for (int d = 0; d < values.Length; d++)
        {
            output[(int)(rowBase + (d * strides[3]))] = (float)values[d];
        }

        if (!_logSumExp.IsEmpty)
        {
            _logSumExp.Span[(int)((((long)batch * _problem.QHeads) + head) * _problem.SequenceLength) + row] = (float)logSumExp;
        }
    }
}

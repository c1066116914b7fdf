namespace MInference;

/// <summary>
/// The CPU reference backend: plain, obviously correct attention over <see cref="float"/> tensors,
/// accumulated in <see cref="double"/>, parallel across (batch, head). It defines the semantics the
/// GPU kernels are tested against, and runs the CLI on machines without a GPU.
/// </summary>
public static class CpuAttention
{
    /// <summary>
    /// Dense attention, <c>output = softmax(scale · q kᵀ [+ causal mask]) v</c>, with the semantics of
    /// <see cref="Attention.Dense"/>: operands in logical order [batch, heads, seq, head_dim], query
    /// head h reads key/value head h / (Hq / Hkv), and the causal mask lets query row i see key j
    /// when j &lt;= i + (kv_len - q_len). Any head_dim and any strides are accepted.
    /// </summary>
    /// <param name="q">Queries, [B, Hq, Nq, D].</param>
    /// <param name="k">Keys, [B, Hkv, Nkv, D].</param>
    /// <param name="v">Values, [B, Hkv, Nkv, D].</param>
    /// <param name="output">Written: [B, Hq, Nq, D]; must not overlap the inputs.</param>
    /// <param name="options">Causal mask and softmax scale.</param>
    /// <param name="logSumExp">Optional (empty for none), written: [B, Hq, Nq] contiguous, the natural-log log-sum-exp of each row's scaled scores.</param>
    /// <exception cref="ArgumentException">A shape rule is broken, the output overlaps an input, or <paramref name="logSumExp"/> is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The softmax scale is not finite and positive.</exception>
    public static void Dense(
        ReadOnlyHostTensor q,
        ReadOnlyHostTensor k,
        ReadOnlyHostTensor v,
        HostTensor output,
        DenseAttentionOptions options = default,
        Memory<float> logSumExp = default)
    {
        Run(q, k, v, rows: null, output, options, logSumExp);
    }

    /// <summary>
    /// <see cref="Dense"/> restricted to the query rows in <paramref name="queryRows"/> (in every batch
    /// and head): only those rows of <paramref name="output"/> and <paramref name="logSumExp"/> are
    /// written. Lets tests check a sample of rows of a long sequence without the full quadratic cost.
    /// </summary>
    /// <param name="q">Queries, [B, Hq, Nq, D].</param>
    /// <param name="k">Keys, [B, Hkv, Nkv, D].</param>
    /// <param name="v">Values, [B, Hkv, Nkv, D].</param>
    /// <param name="queryRows">Row indices in [0, Nq); order and repeats do not matter.</param>
    /// <param name="output">Written at the selected rows: [B, Hq, Nq, D].</param>
    /// <param name="options">Causal mask and softmax scale.</param>
    /// <param name="logSumExp">Optional (empty for none), written at the selected rows: [B, Hq, Nq] contiguous.</param>
    /// <exception cref="ArgumentException">As for <see cref="Dense"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A row index is outside [0, Nq), or the softmax scale is invalid.</exception>
    public static void DenseRows(
        ReadOnlyHostTensor q,
        ReadOnlyHostTensor k,
        ReadOnlyHostTensor v,
        ReadOnlySpan<int> queryRows,
        HostTensor output,
        DenseAttentionOptions options = default,
        Memory<float> logSumExp = default)
    {
        Run(q, k, v, queryRows.ToArray(), output, options, logSumExp);
    }

    private static void Run(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, int[]? rows, HostTensor output, DenseAttentionOptions options, Memory<float> logSumExp)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(output);
        AttentionShape shape = AttentionShape.Validate(q.Layout, k.Layout, v.Layout, output.Layout, options.Causal);
        float scale = DenseAttentionOptions.ResolveSoftmaxScale(options, shape.HeadDim);

        Span<float> outputSpan = output.Data.Span;
        if (outputSpan.Overlaps(q.Data.Span) || outputSpan.Overlaps(k.Data.Span) || outputSpan.Overlaps(v.Data.Span))
        {
            throw new ArgumentException("output overlaps an input", nameof(output));
        }

        if (!logSumExp.IsEmpty && logSumExp.Length < shape.LogSumExpLength)
        {
            throw new ArgumentException($"logSumExp holds {logSumExp.Length} floats but batch * q_heads * q_len = {shape.LogSumExpLength}", nameof(logSumExp));
        }

        Span<float> logSumExpSpan = logSumExp.Span;
        if (logSumExpSpan.Overlaps(outputSpan) || logSumExpSpan.Overlaps(q.Data.Span) || logSumExpSpan.Overlaps(k.Data.Span) || logSumExpSpan.Overlaps(v.Data.Span))
        {
            throw new ArgumentException("logSumExp overlaps output or an input", nameof(logSumExp));
        }

        foreach (int row in rows ?? [])
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row, "queryRows");
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, shape.QLen, "queryRows");
        }

        var problem = new CpuDenseAttention(q, k, v, output, logSumExp, shape, scale, options.Causal, rows ?? Enumerable.Range(0, (int)shape.QLen).ToArray());
        Parallel.For(0, shape.Batch * shape.QHeads, problem.ComputeHead);
    }
}

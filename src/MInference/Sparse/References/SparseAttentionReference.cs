using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.References;

/// <summary>
/// CPU references of sparse causal prefill attention: plain, in double, one query row at a time over
/// the set of keys a pattern makes visible. They define the semantics the GPU sparse kernels are
/// tested against. Operands are [B, H, N, D] host tensors (any strides) with q_len == kv_len == N;
/// query head h reads key/value head h / (H / Hkv). Only the listed heads (and, with
/// <see cref="SparseReferenceOptions.QueryRows"/>, the selected rows) of the output and log-sum-exp are written.
/// </summary>
/// <remarks>
/// Every row is computed exactly as <see cref="CpuAttention.Dense"/> computes a row (keys in
/// ascending order, double accumulation), so where a pattern leaves every causal key visible the
/// result equals the dense causal reference bit for bit.
/// </remarks>
public static class SparseAttentionReference
{
    /// <summary>
    /// Attention of one query row over an arbitrary set of visible keys:
    /// <c>output = Σ_j softmax_j(scale · q_row · k_j) v_j</c> over j in <paramref name="visibleKeys"/>.
    /// </summary>
    /// <param name="q">Queries, [B, H, Nq, D].</param>
    /// <param name="k">Keys, [B, Hkv, Nkv, D].</param>
    /// <param name="v">Values, [B, Hkv, Nkv, D].</param>
    /// <param name="batch">In [0, B).</param>
    /// <param name="head">The query head, in [0, H).</param>
    /// <param name="row">The query row, in [0, Nq).</param>
    /// <param name="visibleKeys">Non-empty, strictly ascending, in [0, Nkv); no causal mask is added.</param>
    /// <param name="output">Written: D values.</param>
    /// <param name="softmaxScale">Finite and &gt; 0, or null for 1/sqrt(D).</param>
    /// <returns>The natural-log log-sum-exp of the row's scaled scores over the visible keys.</returns>
    /// <exception cref="ArgumentException">A shape rule is broken, the key set is empty or not strictly ascending, or <paramref name="output"/> is not D long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index or key is out of range, or the scale is invalid.</exception>
    public static double AttendRow(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, int batch, int head, int row,
        ReadOnlySpan<int> visibleKeys, Span<double> output, float? softmaxScale = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        AttentionShape shape = AttentionShape.Validate(q.Layout, k.Layout, v.Layout, q.Layout, causal: false);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batch, shape.Batch);
        ArgumentOutOfRangeException.ThrowIfNegative(head);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(head, shape.QHeads);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, shape.QLen);
        if (output.Length != shape.HeadDim)
        {
            throw new ArgumentException($"output holds {output.Length} values; expected head_dim = {shape.HeadDim}", nameof(output));
        }

        if (visibleKeys.IsEmpty)
        {
            throw new ArgumentException("no visible keys; expected at least one (the softmax of an empty row is undefined)", nameof(visibleKeys));
        }

        for (int i = 0; i < visibleKeys.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(visibleKeys[i], nameof(visibleKeys));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(visibleKeys[i], shape.KvLen, nameof(visibleKeys));
            if (i > 0 && visibleKeys[i] <= visibleKeys[i - 1])
            {
                throw new ArgumentException(
                    $"visibleKeys[{i}] = {visibleKeys[i]} follows {visibleKeys[i - 1]}; expected strictly ascending keys", nameof(visibleKeys));
            }
        }

        double scale = softmaxScale is { } given
            ? (float.IsFinite(given) && given > 0 ? given : throw new ArgumentOutOfRangeException(nameof(softmaxScale), given, "the softmax scale must be finite and > 0"))
            : (float)(1.0 / Math.Sqrt(shape.HeadDim));
        int kvHead = (int)(head / shape.GroupSize);
        var scores = new double[visibleKeys.Length];
        var values = new double[shape.HeadDim];
        double logSumExp = Attend(
            new HeadRows(q, batch, head), row, new HeadRows(k, batch, kvHead), new HeadRows(v, batch, kvHead), visibleKeys, scale, scores, values);
        values.CopyTo(output);
        return logSumExp;
    }

    /// <summary>
    /// Vertical-Slash attention: query i of query block qb sees key j when j &lt;= i, j &lt; N and j
    /// lies in a key block [x, x + 64) of the row or is one of its columns (taken as a set union).
    /// </summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="v">Values, [B, Hkv, N, D].</param>
    /// <param name="index">Built for this N and batch size; its heads are the ones computed.</param>
    /// <param name="output">Written at the index's heads: [B, H, N, D]; must not overlap the inputs.</param>
    /// <param name="logSumExp">Optional (empty for none), written at the index's heads: [B, H, N] contiguous, natural log.</param>
    /// <param name="options">Softmax scale and query rows.</param>
    /// <exception cref="ArgumentException">A shape rule is broken, the index does not fit, the output overlaps an input, or <paramref name="logSumExp"/> is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head or row is out of range, or the scale is invalid.</exception>
    public static void VerticalSlash(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, VerticalSlashIndex index, HostTensor output,
        Memory<float> logSumExp = default, SparseReferenceOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        SparseReferenceRun run = SparseReferenceRun.Create(q, k, v, output, logSumExp, options, index.Heads.Span, nameof(index));
        run.RequireIndexShape(index.SequenceLength, index.BatchSize, nameof(index));
        run.Execute((batch, slot) => VisibleKeys.VerticalSlash(index, batch, slot));
    }

    /// <summary>
    /// Block-Sparse attention: query i of query block qb sees key j when j &lt;= i and j lies in one of
    /// the row's key blocks [64·kb, 64·kb + 64) ∩ [0, N).
    /// </summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="v">Values, [B, Hkv, N, D].</param>
    /// <param name="index">Built for this N and batch size; its heads are the ones computed.</param>
    /// <param name="output">Written at the index's heads: [B, H, N, D]; must not overlap the inputs.</param>
    /// <param name="logSumExp">Optional (empty for none), written at the index's heads: [B, H, N] contiguous, natural log.</param>
    /// <param name="options">Softmax scale and query rows.</param>
    /// <exception cref="ArgumentException">As for <see cref="VerticalSlash"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As for <see cref="VerticalSlash"/>.</exception>
    public static void BlockSparse(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, BlockSparseIndex index, HostTensor output,
        Memory<float> logSumExp = default, SparseReferenceOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        SparseReferenceRun run = SparseReferenceRun.Create(q, k, v, output, logSumExp, options, index.Heads.Span, nameof(index));
        run.RequireIndexShape(index.SequenceLength, index.BatchSize, nameof(index));
        run.Execute((batch, slot) => VisibleKeys.BlockSparse(index, batch, slot));
    }

    /// <summary>A-shape attention: query i sees key j when <see cref="AShapeMask.IsVisible"/> says so.</summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="v">Values, [B, Hkv, N, D].</param>
    /// <param name="heads">The query heads to compute: distinct, in [0, H).</param>
    /// <param name="pattern">Sink tokens and local window.</param>
    /// <param name="output">Written at <paramref name="heads"/>: [B, H, N, D]; must not overlap the inputs.</param>
    /// <param name="logSumExp">Optional (empty for none), written at <paramref name="heads"/>: [B, H, N] contiguous, natural log.</param>
    /// <param name="options">Softmax scale and query rows.</param>
    /// <exception cref="ArgumentException">As for <see cref="VerticalSlash"/>, or the head list is empty or repeats a head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As for <see cref="VerticalSlash"/>.</exception>
    public static void AShape(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, ReadOnlySpan<int> heads, AShapePattern pattern, HostTensor output,
        Memory<float> logSumExp = default, SparseReferenceOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        SparseReferenceRun run = SparseReferenceRun.Create(q, k, v, output, logSumExp, options, heads, nameof(heads));
        run.Execute((_, _) => VisibleKeys.AShape(pattern));
    }

    /// <summary>Dense causal attention: query i sees every key j &lt;= i.</summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="v">Values, [B, Hkv, N, D].</param>
    /// <param name="heads">The query heads to compute: distinct, in [0, H).</param>
    /// <param name="output">Written at <paramref name="heads"/>: [B, H, N, D]; must not overlap the inputs.</param>
    /// <param name="logSumExp">Optional (empty for none), written at <paramref name="heads"/>: [B, H, N] contiguous, natural log.</param>
    /// <param name="options">Softmax scale and query rows.</param>
    /// <exception cref="ArgumentException">As for <see cref="AShape"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As for <see cref="VerticalSlash"/>.</exception>
    public static void DenseCausal(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, ReadOnlySpan<int> heads, HostTensor output,
        Memory<float> logSumExp = default, SparseReferenceOptions options = default)
    {
        SparseReferenceRun run = SparseReferenceRun.Create(q, k, v, output, logSumExp, options, heads, nameof(heads));
        run.Execute((_, _) => VisibleKeys.DenseCausal);
    }

    /// <summary>
    /// One row over a key set, in the order and with the arithmetic of <see cref="CpuAttention"/>:
    /// scores in double, max, exp(score − max) summed, weighted values accumulated, then divided.
    /// </summary>
    internal static double Attend(
        HeadRows queries, int row, HeadRows keys, HeadRows values, ReadOnlySpan<int> visibleKeys, double scale, double[] scores, Span<double> output)
    {
        double maxScore = double.NegativeInfinity;
        for (int n = 0; n < visibleKeys.Length; n++)
        {
            scores[n] = scale * queries.Dot(row, keys, visibleKeys[n]);
            maxScore = Math.Max(maxScore, scores[n]);
        }

        double sum = 0;
        output.Clear();
        for (int n = 0; n < visibleKeys.Length; n++)
        {
            double weight = Math.Exp(scores[n] - maxScore);
            sum += weight;
            for (int d = 0; d < output.Length; d++)
            {
                output[d] += weight * values[visibleKeys[n], d];
            }
        }

        for (int d = 0; d < output.Length; d++)
        {
            output[d] /= sum;
        }

        return maxScore + Math.Log(sum);
    }
}

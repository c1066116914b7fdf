using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;
using MInference.Sparse.Prefill;
using MInference.Sparse.References;

namespace MInference.Tests.Fuzz;

/// <summary>The keys query row i of (batch, head) sees, as an ascending array.</summary>
internal delegate Func<int, int[]> VisibleKeysOf(int batch, int head);

/// <summary>Copies the D values of the output row starting at element <paramref name="start"/> into <paramref name="destination"/>.</summary>
internal delegate void RowReader(long start, Span<float> destination);

/// <summary>
/// Output rows [B, computed heads, checked rows, D] and their log-sum-exp [B, heads, rows], in that
/// order: what a case compares.
/// </summary>
internal sealed record FuzzRows(float[] Output, float[] LogSumExp);

/// <summary>
/// The CPU reference of a fuzzed case: every checked row computed by
/// <see cref="SparseAttentionReference.AttendRow"/> (double accumulation) over exactly the keys the
/// row sees, so a row costs its visible keys × D whatever N is. Dense rows see keys
/// j &lt;= i + kv_len − q_len (causal) or all; A-shape rows apply the mask at i + kv_len − q_len;
/// layer rows see what the plan's report says ran on each head: its pattern over the index the GPU
/// built (host copies, so near-ties the device resolved differently from the CPU estimation cannot
/// fail a case) or dense causal.
/// </summary>
internal static class FuzzReference
{
    /// <summary>The keys of a dense or A-shape case.</summary>
    public static VisibleKeysOf Of(FuzzCase fuzzCase)
    {
        int shift = fuzzCase.KeyLength - fuzzCase.QueryLength;
        int keyLength = fuzzCase.KeyLength;
        if (fuzzCase.AShape is { } options)
        {
            Func<int, int[]> aShape = VisibleKeys.AShape(new AShapePattern((int)options.SinkTokens, (int)options.LocalWindow));
            return (_, _) => row => aShape(row + shift);
        }

        return fuzzCase.Causal
            ? (_, _) => row => Enumerable.Range(0, row + shift + 1).ToArray()
            : (_, _) => _ => Enumerable.Range(0, keyLength).ToArray();
    }

    /// <summary>The keys of a layer's heads as <paramref name="report"/> says they ran.</summary>
    public static VisibleKeysOf Of(SparsePrefillReport report)
    {
        var byHead = new Dictionary<int, Func<int, Func<int, int[]>>>();
        foreach (PatternGroupReport group in report.Groups)
        {
            foreach (int head in group.SparseHeads.Span)
            {
                byHead[head] = SparseKeys(group, head);
            }

            // After the sparse heads: a vertical-slash index holds heads the device routed dense too.
            foreach (int head in group.DenseHeads.Span)
            {
                byHead[head] = _ => VisibleKeys.DenseCausal;
            }
        }

        return (batch, head) => byHead.TryGetValue(head, out var keys)
            ? keys(batch)
            : throw new InvalidOperationException($"the report does not say how head {head} ran: {report}");
    }

    /// <summary>The reference rows of <paramref name="fuzzCase"/>, in parallel over (batch, head).</summary>
    public static FuzzRows Compute(FuzzCase fuzzCase, FuzzInputs inputs, VisibleKeysOf visibleKeysOf)
    {
        int[] heads = fuzzCase.ComputedHeads;
        int[] rows = fuzzCase.CheckedRows;
        int dim = fuzzCase.HeadDim;
        var output = new float[(long)fuzzCase.Batch * heads.Length * rows.Length * dim];
        var logSumExp = new float[(long)fuzzCase.Batch * heads.Length * rows.Length];
        Parallel.For(0, fuzzCase.Batch * heads.Length, pair =>
        {
            int batch = pair / heads.Length, head = heads[pair % heads.Length];
            Func<int, int[]> keys = visibleKeysOf(batch, head);
            var values = new double[dim];
            for (int r = 0; r < rows.Length; r++)
            {
                long slot = ((long)pair * rows.Length) + r;
                logSumExp[slot] = (float)SparseAttentionReference.AttendRow(
                    inputs.Q, inputs.K, inputs.V, batch, head, rows[r], keys(rows[r]), values, fuzzCase.SoftmaxScale);
                for (int d = 0; d < dim; d++)
                {
                    output[(slot * dim) + d] = (float)values[d];
                }
            }
        });
        return new FuzzRows(output, logSumExp);
    }

    /// <summary>The checked rows of a device result: the output's bits in the case's layout, decoded, and the contiguous [B, H, Nq] log-sum-exp.</summary>
    public static FuzzRows Gather(FuzzCase fuzzCase, ushort[] outputBits, float[] logSumExp) =>
        Gather(fuzzCase, logSumExp, (start, destination) => HalfPrecision.Decode(outputBits.AsSpan((int)start, destination.Length), destination, fuzzCase.DType));

    /// <summary>The checked rows of a host result (floats in the case's output layout).</summary>
    public static FuzzRows Gather(FuzzCase fuzzCase, float[] output, float[] logSumExp) =>
        Gather(fuzzCase, logSumExp, (start, destination) => output.AsSpan((int)start, destination.Length).CopyTo(destination));

    private static FuzzRows Gather(FuzzCase fuzzCase, float[] logSumExp, RowReader readRow)
    {
        int[] heads = fuzzCase.ComputedHeads;
        int[] rows = fuzzCase.CheckedRows;
        int dim = fuzzCase.HeadDim;
        TensorLayout layout = fuzzCase.OutputLayout;
        var output = new float[(long)fuzzCase.Batch * heads.Length * rows.Length * dim];
        var rowLogSumExp = new float[(long)fuzzCase.Batch * heads.Length * rows.Length];
        long slot = 0;
        for (int batch = 0; batch < fuzzCase.Batch; batch++)
        {
            foreach (int head in heads)
            {
                foreach (int row in rows)
                {
                    readRow(fuzzCase.Layouts.Output.ElementOffset + layout.GetOffset(batch, head, row, 0), output.AsSpan((int)(slot * dim), dim));
                    rowLogSumExp[slot] = logSumExp.Length == 0 ? 0 : logSumExp[((((long)batch * fuzzCase.QHeads) + head) * fuzzCase.QueryLength) + row];
                    slot++;
                }
            }
        }

        return new FuzzRows(output, rowLogSumExp);
    }

    private static Func<int, Func<int, int[]>> SparseKeys(PatternGroupReport group, int head)
    {
        InvalidOperationException NoCopy() => new($"{group}: the report holds no index copy (KeepIndices off?)");
        switch (group.Pattern)
        {
            case VerticalSlashPattern:
                VerticalSlashIndex verticalSlash = group.VerticalSlashIndex ?? throw NoCopy();
                int verticalSlashSlot = verticalSlash.Heads.Span.IndexOf(head);
                return batch => VisibleKeys.VerticalSlash(verticalSlash, batch, verticalSlashSlot);
            case BlockSparsePattern:
                BlockSparseIndex blockSparse = group.BlockSparseIndex ?? throw NoCopy();
                int blockSparseSlot = blockSparse.Heads.Span.IndexOf(head);
                return batch => VisibleKeys.BlockSparse(blockSparse, batch, blockSparseSlot);
            case AShapePattern aShape:
                return _ => VisibleKeys.AShape(aShape);
            default:
                throw new InvalidOperationException($"{group}: a sparse head of a dense pattern");
        }
    }
}

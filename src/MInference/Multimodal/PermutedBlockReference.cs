using System.Runtime.InteropServices;
using MInference.Sparse;
using MInference.Sparse.Indexes;
using MInference.Sparse.References;

namespace MInference.Multimodal;

/// <summary>
/// The CPU reference of the MMInference heads (grid and boundary), literally as the paper describes
/// them: gather q, k and v of each (batch, head) into its token order, compute masked dense attention there (permuted
/// query slot p sees permuted key slot t when t lies in a kept block of p's block and the original
/// positions satisfy OriginalOrder[t] ≤ OriginalOrder[p]), in double, then scatter the output rows
/// and log-sum-exps back to original order. <see cref="PermutedBlockIndex.VisibleKeys"/> gives the same sets
/// in original space; the GPU kernel never materialises the permuted copies.
/// </summary>
public static class PermutedBlockReference
{
    private const int Block = BlockSparseIndex.BlockSize;

    /// <summary>Computes the index's heads; other heads of the output are left as they are.</summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="v">Values, [B, Hkv, N, D].</param>
    /// <param name="index">Built for this N and batch size.</param>
    /// <param name="output">Written at the index's heads: [B, H, N, D]; must not overlap the inputs.</param>
    /// <param name="logSumExp">Optional (empty for none), written at the index's heads: [B, H, N] contiguous, natural log.</param>
    /// <param name="options">The softmax scale, and the original query rows to compute (others are left untouched); default: 1/sqrt(D), every row.</param>
    /// <exception cref="ArgumentException">A shape rule is broken, the index does not fit, the output overlaps an input, or <paramref name="logSumExp"/> is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head is out of range or the scale is invalid.</exception>
    public static void Run(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, PermutedBlockIndex index, HostTensor output,
        Memory<float> logSumExp = default, SparseReferenceOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        SparseReferenceRun run = SparseReferenceRun.Create(q, k, v, output, logSumExp, options, index.Heads.Span, nameof(index));
        run.RequireIndexShape(index.SequenceLength, index.BatchSize, nameof(index));
        CausalProblem problem = run.Problem;
        double scale = problem.ResolveScale(options.SoftmaxScale, nameof(options));
        int[] rows = run.Rows.ToArray();
        int[] heads = index.Heads.ToArray();
        int n = problem.SequenceLength, dim = problem.HeadDim;
        Parallel.For(0, problem.Batch * heads.Length, list =>
        {
            int batch = list / heads.Length, slot = list % heads.Length, head = heads[slot];
            TokenOrder permutation = index.Order(batch, slot);
            ReadOnlyHostTensor permutedQ = Permuted(q, batch, head, permutation);
            ReadOnlyHostTensor permutedK = Permuted(k, batch, head / problem.GroupSize, permutation);
            ReadOnlyHostTensor permutedV = Permuted(v, batch, head / problem.GroupSize, permutation);
            var permutedOutput = new double[n * dim];
            var permutedLogSumExp = new double[n];
            var scores = new double[n];
            var visible = new List<int>();
            // The requested original rows, each at its permuted slot.
            foreach (int row in rows)
            {
                int querySlot = permutation.PermutedSlots[row];
                int position = row;
                visible.Clear();
                foreach (int keyBlock in index.Blocks.GetBlocks(batch, slot, querySlot / Block))
                {
                    int end = Math.Min(n, (keyBlock + 1) * Block);
                    for (int keySlot = keyBlock * Block; keySlot < end; keySlot++)
                    {
                        if (permutation.OriginalOrder[keySlot] <= position)
                        {
                            visible.Add(keySlot);
                        }
                    }
                }

                permutedLogSumExp[querySlot] = SparseAttentionReference.Attend(
                    new HeadRows(permutedQ, 0, 0), querySlot, new HeadRows(permutedK, 0, 0), new HeadRows(permutedV, 0, 0),
                    CollectionsMarshal.AsSpan(visible), scale, scores, permutedOutput.AsSpan(querySlot * dim, dim));
            }

            // The inverse permutation: original row i is permuted slot PermutedSlots[i].
            Span<float> outputData = output.Data.Span;
            foreach (int row in rows)
            {
                int querySlot = permutation.PermutedSlots[row];
                for (int d = 0; d < dim; d++)
                {
                    outputData[(int)output.Layout.GetOffset(batch, head, row, d)] = (float)permutedOutput[(querySlot * dim) + d];
                }

                if (!logSumExp.IsEmpty)
                {
                    logSumExp.Span[(((batch * problem.QHeads) + head) * n) + row] = (float)permutedLogSumExp[querySlot];
                }
            }
        });
    }

    /// <summary>One (batch, head) of a tensor gathered into permuted row order, as [1, 1, N, D].</summary>
    private static ReadOnlyHostTensor Permuted(ReadOnlyHostTensor tensor, int batch, int head, TokenOrder permutation)
    {
        int n = permutation.SequenceLength;
        int dim = (int)tensor.Layout.Lengths[3];
        var rows = new float[n * dim];
        ReadOnlySpan<float> data = tensor.Data.Span;
        for (int slot = 0; slot < n; slot++)
        {
            int row = permutation.OriginalOrder[slot];
            for (int d = 0; d < dim; d++)
            {
                rows[(slot * dim) + d] = data[(int)tensor.Layout.GetOffset(batch, head, row, d)];
            }
        }

        return new ReadOnlyHostTensor(rows, TensorLayout.Contiguous(1, 1, n, dim));
    }
}

using MInference.Sparse.Indexes;
using MInference.Sparse.Patterns;

namespace MInference.Sparse.Estimation;

/// <summary>
/// The CPU reference of Block-Sparse estimation: rank 64-key blocks for each 64-query block by the
/// dot product of mean-pooled queries and keys, and keep the best. Square causal problems only.
/// </summary>
/// <remarks>
/// Queries and keys are averaged over each block of 64 tokens (the last block over its real tokens
/// only), in double. The pooled score of (query block qb, key block kb) is Q̄_qb · K̄_kb, unscaled:
/// a positive scale would not change the ranking. Only kb &lt;= qb is causal. Each query block keeps
/// k = min(top_k, qb + 1) blocks: key block 0 and the diagonal block qb always (they count toward k;
/// so with top_k = 1 a query block past the first still keeps both), then the best remaining scores,
/// ties to the smaller block. Blocks are returned ascending.
/// </remarks>
public static class BlockSparseEstimation
{
    private const int Block = SparseBlocks.Size;

    /// <summary>Estimates the key blocks of the given heads, in every batch element.</summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D]; query head h reads key head h / (H / Hkv).</param>
    /// <param name="heads">The query heads to estimate (distinct, in [0, H)); the index follows this order.</param>
    /// <param name="pattern">The heads' top-k block count.</param>
    /// <exception cref="ArgumentException">A shape rule is broken (q_len must equal kv_len), or the head list is empty or repeats a head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head is out of range.</exception>
    public static BlockSparseIndex Estimate(ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlySpan<int> heads, BlockSparsePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        CausalProblem problem = CausalProblem.Validate(q, k);
        int[] headList = problem.RequireHeads(heads, nameof(heads));
        int blocks = SparseBlocks.Count(problem.SequenceLength);
        int lists = problem.Batch * headList.Length;
        var rows = new int[lists * blocks][];
        Parallel.For(0, lists, list =>
        {
            int batch = list / headList.Length;
            int head = headList[list % headList.Length];
            double[] scores = PooledScores(new HeadRows(q, batch, head), new HeadRows(k, batch, head / problem.GroupSize), problem.SequenceLength);
            for (int queryBlock = 0; queryBlock < blocks; queryBlock++)
            {
                rows[(list * blocks) + queryBlock] = SelectBlocks(scores.AsSpan(queryBlock * blocks, queryBlock + 1), pattern.TopKBlocks);
            }
        });

        var rowPointers = new long[rows.Length + 1];
        for (int row = 0; row < rows.Length; row++)
        {
            rowPointers[row + 1] = rowPointers[row] + rows[row].Length;
        }

        return new BlockSparseIndex(problem.SequenceLength, problem.Batch, headList, rowPointers, rows.SelectMany(row => row).ToArray());
    }

    /// <summary>
    /// The pooled scores of one (batch, head): a [blocks, blocks] row-major matrix, blocks = ceil(N / 64),
    /// entry (qb, kb) = Q̄_qb · K̄_kb for kb &lt;= qb and −∞ above the diagonal.
    /// </summary>
    /// <param name="q">Queries, [B, H, N, D].</param>
    /// <param name="k">Keys, [B, Hkv, N, D].</param>
    /// <param name="batch">In [0, B).</param>
    /// <param name="head">The query head, in [0, H).</param>
    /// <exception cref="ArgumentException">A shape rule is broken.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> or <paramref name="head"/> is out of range.</exception>
    public static double[] PooledScores(ReadOnlyHostTensor q, ReadOnlyHostTensor k, int batch, int head)
    {
        CausalProblem problem = CausalProblem.Validate(q, k);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batch, problem.Batch);
        ArgumentOutOfRangeException.ThrowIfNegative(head);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(head, problem.QHeads);
        return PooledScores(new HeadRows(q, batch, head), new HeadRows(k, batch, head / problem.GroupSize), problem.SequenceLength);
    }

    private static double[] PooledScores(HeadRows queries, HeadRows keys, int n)
    {
        int blocks = SparseBlocks.Count(n);
        double[] pooledQueries = MeanPool(queries, n);
        double[] pooledKeys = MeanPool(keys, n);
        int dim = queries.Dim;
        var scores = new double[blocks * blocks];
        for (int queryBlock = 0; queryBlock < blocks; queryBlock++)
        {
            for (int keyBlock = 0; keyBlock < blocks; keyBlock++)
            {
                double dot = double.NegativeInfinity;
                if (keyBlock <= queryBlock)
                {
                    dot = 0;
                    for (int d = 0; d < dim; d++)
                    {
                        dot += pooledQueries[(queryBlock * dim) + d] * pooledKeys[(keyBlock * dim) + d];
                    }
                }

                scores[(queryBlock * blocks) + keyBlock] = dot;
            }
        }

        return scores;
    }

    /// <summary>
    /// [blocks, D]: the mean of each block's rows (the last block over its real rows), in double.
    /// With <paramref name="rowOfSlot"/>, slot s of the blocks is row rowOfSlot[s] (a token order,
    /// MMInference's reordered blocks); without, slot s is row s.
    /// </summary>
    internal static double[] MeanPool(HeadRows rows, int n, ReadOnlySpan<int> rowOfSlot = default)
    {
        int dim = rows.Dim;
        var pooled = new double[SparseBlocks.Count(n) * dim];
        for (int slot = 0; slot < n; slot++)
        {
            int row = rowOfSlot.IsEmpty ? slot : rowOfSlot[slot];
            for (int d = 0; d < dim; d++)
            {
                pooled[(slot / Block * dim) + d] += rows[row, d];
            }
        }

        for (int block = 0; block < SparseBlocks.Count(n); block++)
        {
            int count = Math.Min(Block, n - (block * Block));
            for (int d = 0; d < dim; d++)
            {
                pooled[(block * dim) + d] /= count;
            }
        }

        return pooled;
    }

    /// <summary>The kept key blocks of query block qb = causalScores.Length − 1, ascending.</summary>
    private static int[] SelectBlocks(ReadOnlySpan<double> causalScores, int topK)
    {
        int diagonal = causalScores.Length - 1;
        double[] ranked = causalScores.ToArray();
        ranked[0] = double.PositiveInfinity;
        ranked[diagonal] = double.PositiveInfinity;
        int forced = diagonal == 0 ? 1 : 2;
        int[] selected = TopK.Select(ranked, Math.Max(Math.Min(topK, diagonal + 1), forced));
        Array.Sort(selected);
        return selected;
    }
}

using MInference.Sparse;
using MInference.Sparse.Indexes;

namespace MInference.Multimodal;

/// <summary>The checks grid and boundary block selection share: the causal problem, the head list and the modality map's length.</summary>
internal static class PermutedSelection
{
    /// <exception cref="ArgumentException">A shape rule is broken, the map's length is not N, or the head list is empty or repeats a head.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A head is out of range.</exception>
    public static (CausalProblem Problem, int[] Heads) Validate(ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlySpan<int> heads, ModalityMap modalities, string headsName)
    {
        ArgumentNullException.ThrowIfNull(modalities);
        CausalProblem problem = CausalProblem.Validate(q, k);
        int[] headList = problem.RequireHeads(heads, headsName);
        if (modalities.SequenceLength != problem.SequenceLength)
        {
            throw new ArgumentException($"the modality map covers {modalities.SequenceLength} tokens; expected N = {problem.SequenceLength}", nameof(modalities));
        }

        return (problem, headList);
    }

    /// <summary>
    /// Runs <paramref name="perHead"/> for every (batch, head) in parallel — it returns the head's
    /// token order and, per 64-slot query block, the kept key blocks (ascending) — and collects the index.
    /// </summary>
    public static PermutedBlockIndex Build(CausalProblem problem, int[] heads, Func<int, int, (TokenOrder Order, Func<int, int[]> KeptBlocks)> perHead)
    {
        int blocks = SparseBlocks.Count(problem.SequenceLength);
        int lists = problem.Batch * heads.Length;
        var orders = new TokenOrder[lists];
        var rows = new int[lists * blocks][];
        Parallel.For(0, lists, list =>
        {
            (TokenOrder order, Func<int, int[]> keptBlocks) = perHead(list / heads.Length, heads[list % heads.Length]);
            orders[list] = order;
            for (int queryBlock = 0; queryBlock < blocks; queryBlock++)
            {
                rows[(list * blocks) + queryBlock] = keptBlocks(queryBlock);
            }
        });

        return new PermutedBlockIndex(ReorderedBlockScores.ToIndex(problem.SequenceLength, problem.Batch, heads, rows), orders);
    }
}

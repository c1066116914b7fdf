using MInference.Sparse;
using MInference.Sparse.Estimation;
using MInference.Sparse.Indexes;

namespace MInference.Multimodal;

/// <summary>
/// What grid and boundary block selection share, for one (batch, head) in a token order: pooled
/// scores Q̄_qb · K̄_kb of 64-slot blocks (means over each block's rows, the last over its real
/// rows, in double), and which key blocks can serve a query block at all (the smallest original
/// position of the key block at most the largest of the query block).
/// </summary>
internal sealed class ReorderedBlockScores
{
    private const int Block = BlockSparseIndex.BlockSize;
    private readonly double[] _queries;
    private readonly double[] _keys;
    private readonly int[] _minimum;
    private readonly int[] _maximum;
    private readonly int _dim;

    public ReorderedBlockScores(HeadRows queries, HeadRows keys, TokenOrder order)
    {
        _dim = queries.Dim;
        _queries = BlockSparseEstimation.MeanPool(queries, order.SequenceLength, order.OriginalOrder);
        _keys = BlockSparseEstimation.MeanPool(keys, order.SequenceLength, order.OriginalOrder);
        Blocks = SparseBlocks.Count(order.SequenceLength);
        _minimum = Enumerable.Repeat(int.MaxValue, Blocks).ToArray();
        _maximum = new int[Blocks];
        for (int slot = 0; slot < order.SequenceLength; slot++)
        {
            int position = order.OriginalOrder[slot];
            _minimum[slot / Block] = Math.Min(_minimum[slot / Block], position);
            _maximum[slot / Block] = Math.Max(_maximum[slot / Block], position);
        }
    }

    public int Blocks { get; }

    public bool Reachable(int queryBlock, int keyBlock) => _minimum[keyBlock] <= _maximum[queryBlock];

    public double Score(int queryBlock, int keyBlock)
    {
        double dot = 0;
        for (int d = 0; d < _dim; d++)
        {
            dot += _queries[(queryBlock * _dim) + d] * _keys[(keyBlock * _dim) + d];
        }

        return dot;
    }

    /// <summary>
    /// min(<paramref name="budget"/>, end − begin) key blocks of [begin, end) for a boundary row,
    /// ascending, in tiers: the diagonal, then the modality groups' first blocks
    /// (<paramref name="groupFirsts"/>), then the reachable others by score (ties to the smaller
    /// block), unreachable ones last, smallest first.
    /// </summary>
    public int[] SelectRange(int queryBlock, int begin, int end, int budget, ReadOnlySpan<int> groupFirsts)
    {
        var candidates = new (int Tier, double Score, int Block)[end - begin];
        for (int keyBlock = begin; keyBlock < end; keyBlock++)
        {
            int tier = keyBlock == queryBlock ? 3 : !Reachable(queryBlock, keyBlock) ? 0 : groupFirsts.Contains(keyBlock) ? 2 : 1;
            candidates[keyBlock - begin] = (tier, tier == 1 ? Score(queryBlock, keyBlock) : 0, keyBlock);
        }

        Array.Sort(candidates, (a, b) => a.Tier != b.Tier ? b.Tier.CompareTo(a.Tier)
            : a.Score != b.Score ? b.Score.CompareTo(a.Score)
            : a.Block.CompareTo(b.Block));
        int[] kept = [.. candidates.Take(Math.Min(budget, end - begin)).Select(candidate => candidate.Block)];
        Array.Sort(kept);
        return kept;
    }

    /// <summary>Σ_d |Q̄_qb,d · K̄_kb,d|: the scale of the rounding error of a score computed from rounded operands.</summary>
    public double Magnitude(int queryBlock, int keyBlock)
    {
        double sum = 0;
        for (int d = 0; d < _dim; d++)
        {
            sum += Math.Abs(_queries[(queryBlock * _dim) + d] * _keys[(keyBlock * _dim) + d]);
        }

        return sum;
    }

    /// <summary>
    /// Adds to <paramref name="kept"/> the reachable key blocks in [first, end) that <paramref name="forced"/>
    /// names, then the <paramref name="budget"/> best other reachable ones there (ties to the smaller block).
    /// </summary>
    public void SelectInRange(int queryBlock, int first, int end, int budget, Func<int, bool> forced, SortedSet<int> kept)
    {
        var ranked = new double[end - first];
        for (int keyBlock = first; keyBlock < end; keyBlock++)
        {
            ranked[keyBlock - first] = !Reachable(queryBlock, keyBlock) ? double.NegativeInfinity
                : forced(keyBlock) ? double.PositiveInfinity
                : Score(queryBlock, keyBlock);
        }

        int forcedCount = ranked.Count(double.IsPositiveInfinity);
        int reachable = ranked.Count(score => score != double.NegativeInfinity);
        foreach (int selected in TopK.Select(ranked, Math.Min(reachable, forcedCount + budget)))
        {
            kept.Add(first + selected);
        }
    }

    /// <summary>
    /// The <paramref name="count"/> key blocks of a grid row (all of them when there are fewer),
    /// ascending, chosen in tiers: the diagonal block, then the reachable blocks below
    /// <paramref name="lineBlocks"/>, then the other reachable ones, by score within a tier (ties to
    /// the smaller block), and last the unreachable ones, smallest first.
    /// </summary>
    public int[] SelectTiered(int queryBlock, int count, int lineBlocks)
    {
        var candidates = new (int Tier, double Score, int Block)[Blocks];
        for (int keyBlock = 0; keyBlock < Blocks; keyBlock++)
        {
            int tier = keyBlock == queryBlock ? 3 : !Reachable(queryBlock, keyBlock) ? 0 : keyBlock < lineBlocks ? 2 : 1;
            candidates[keyBlock] = (tier, tier is 1 or 2 ? Score(queryBlock, keyBlock) : 0, keyBlock);
        }

        Array.Sort(candidates, (a, b) => a.Tier != b.Tier ? b.Tier.CompareTo(a.Tier)
            : a.Score != b.Score ? b.Score.CompareTo(a.Score)
            : a.Block.CompareTo(b.Block));
        int[] kept = [.. candidates.Take(Math.Min(count, Blocks)).Select(candidate => candidate.Block)];
        Array.Sort(kept);
        return kept;
    }

    /// <summary>Collects per-row block lists into a CSR index over (batch, head slot, query block) rows.</summary>
    public static BlockSparseIndex ToIndex(int sequenceLength, int batch, int[] heads, int[][] rows)
    {
        var rowPointers = new long[rows.Length + 1];
        for (int row = 0; row < rows.Length; row++)
        {
            rowPointers[row + 1] = rowPointers[row] + rows[row].Length;
        }

        return new BlockSparseIndex(sequenceLength, batch, heads, rowPointers, rows.SelectMany(row => row).ToArray());
    }
}

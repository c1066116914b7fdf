using MInference.Evaluation;

namespace MInference.Cli.Prefill;

/// <summary>
/// The two pictures of a head, downsampled to G×G cells over (query, key) positions of batch
/// element 0: the dense attention probabilities (the mean p(i, j) of the cell) and the fraction of
/// the cell's causal entries the sparse run computed. Each query bin is represented by a few rows
/// spread over it (<see cref="RowsPerBin"/>), each computed exactly over all its causal keys in
/// double precision; cells above the causal diagonal are NaN.
/// </summary>
internal static class HeadPicture
{
    public const int RowsPerBin = 2;

    public static (double[,] Attention, double[,] KeptFraction) Build(LayerInputs layer, int head, HeadRun run, int grid)
    {
        int n = layer.SequenceLength;
        int d = layer.HeadDim;
        grid = Math.Clamp(grid, 1, n);
        var attention = new double[grid, grid];
        var kept = new double[grid, grid];
        int kvHead = head / (layer.Heads / layer.KvHeads);
        ReadOnlyMemory<float> q = layer.Q.Data.Slice((int)((long)head * n * d), n * d);
        ReadOnlyMemory<float> k = layer.K.Data.Slice((int)((long)kvHead * n * d), n * d);
        double scale = 1 / Math.Sqrt(d);
        int[][] rowsOfBin = Enumerable.Range(0, grid).Select(bin => SampleRows(bin, grid, n)).ToArray();

        // Visible keys come from a function that caches one query block: called in row order, bin by bin, on one thread.
        var visibleOfRow = rowsOfBin.Select(rows => rows.Select(run.VisibleKeysOfFirstSequence).ToArray()).ToArray();
        Parallel.For(0, grid, bin =>
        {
            var probabilitySums = new double[grid];
            var keptCounts = new double[grid];
            var scores = new double[n];
            foreach ((int row, int[] visible) in rowsOfBin[bin].Zip(visibleOfRow[bin]))
            {
                AccumulateRow(q.Span.Slice(row * d, d), k.Span, d, row, scale, scores, grid, n, probabilitySums);
                foreach (int key in visible)
                {
                    keptCounts[KeyBin(key, grid, n)] += 1.0 / CausalKeysInBin(KeyBin(key, grid, n), row, grid, n);
                }
            }

            for (int keyBin = 0; keyBin < grid; keyBin++)
            {
                bool aboveDiagonal = BinStart(keyBin, grid, n) > rowsOfBin[bin][^1];
                attention[bin, keyBin] = aboveDiagonal ? double.NaN : probabilitySums[keyBin] / rowsOfBin[bin].Length;
                kept[bin, keyBin] = aboveDiagonal ? double.NaN : keptCounts[keyBin] / rowsOfBin[bin].Length;
            }
        });
        return (attention, kept);
    }

    /// <summary>Adds row's mean probability per key bin (the bin's probability mass over its causal keys).</summary>
    private static void AccumulateRow(
        ReadOnlySpan<float> query, ReadOnlySpan<float> keys, int d, int row, double scale, double[] scores, int grid, int n, double[] sums)
    {
        Plots.CausalSoftmaxRow.Compute(query, keys, d, row, scale, scores);
        for (int key = 0; key <= row; key++)
        {
            int bin = KeyBin(key, grid, n);
            sums[bin] += scores[key] / CausalKeysInBin(bin, row, grid, n);
        }
    }

    private static int[] SampleRows(int bin, int grid, int n)
    {
        int start = BinStart(bin, grid, n);
        int end = BinStart(bin + 1, grid, n) - 1;
        return Enumerable.Range(1, RowsPerBin).Select(i => start + (int)((long)(end - start) * i / RowsPerBin)).Distinct().ToArray();
    }

    private static int BinStart(int bin, int grid, int n) => (int)((long)bin * n / grid);

    private static int KeyBin(int key, int grid, int n) => (int)(((long)key * grid) / n);

    /// <summary>Keys of the bin that row may see: the bin's width, cut at the row.</summary>
    private static int CausalKeysInBin(int bin, int row, int grid, int n) => Math.Min(BinStart(bin + 1, grid, n), row + 1) - BinStart(bin, grid, n);
}

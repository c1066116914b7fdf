using MInference.Multimodal;

namespace MInference.Cli.Video;

/// <summary>
/// The three panels of a permuted head's picture, each G×G cells: dense attention over (query,
/// key) positions in original order, the same attention over (query, key) slots in the head's
/// token order (grid lines become bands), and the fraction of each slot cell's causal entries the
/// pattern keeps. A few rows per bin (<see cref="RowsPerBin"/>) stand for it, each computed exactly
/// over all its causal keys in double; a cell holds the mean probability of its causal entries over
/// the rows that have any there, NaN where none do.
/// </summary>
internal static class PermutedPicture
{
    public const int RowsPerBin = 2;

    public static (double[,] Original, double[,] Reordered, double[,] Kept) Build(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, int head, int kvHead, TokenOrder order, Func<int, int[]> visibleKeys, int grid)
    {
        int n = order.SequenceLength;
        grid = Math.Clamp(grid, 1, n);
        var original = new Cells(grid);
        var reordered = new Cells(grid);
        var kept = new Cells(grid);
        int[] slotOf = order.PermutedSlots.ToArray();
        int[] identity = [.. Enumerable.Range(0, n)];
        for (int bin = 0; bin < grid; bin++)
        {
            foreach (int sample in SampleRows(bin, grid, n))
            {
                double[] probabilities = Probabilities(q, k, head, kvHead, sample);
                original.AddRow(bin, probabilities, identity, grid, n, keys: null);
            }

            foreach (int slot in SampleRows(bin, grid, n))
            {
                int row = order.OriginalOrder[slot];
                double[] probabilities = Probabilities(q, k, head, kvHead, row);
                reordered.AddRow(bin, probabilities, slotOf, grid, n, keys: null);
                kept.AddRow(bin, probabilities, slotOf, grid, n, keys: visibleKeys(row).ToHashSet());
            }
        }

        return (original.Means(), reordered.Means(), kept.Means());
    }

    /// <summary>The causal softmax of one query row over keys 0 … row, in double (tensors contiguous [B, H, N, D]).</summary>
    private static double[] Probabilities(ReadOnlyHostTensor q, ReadOnlyHostTensor k, int head, int kvHead, int row)
    {
        int n = (int)k.Layout.Lengths[2], dim = (int)q.Layout.Lengths[3];
        var probabilities = new double[row + 1];
        Plots.CausalSoftmaxRow.Compute(
            q.Data.Span.Slice((int)q.Layout.GetOffset(0, head, row, 0), dim), k.Data.Span.Slice((int)k.Layout.GetOffset(0, kvHead, 0, 0), n * dim),
            dim, row, 1 / Math.Sqrt(dim), probabilities);
        return probabilities;
    }

    private static IEnumerable<int> SampleRows(int bin, int grid, int n)
    {
        int start = (int)((long)bin * n / grid), end = (int)((long)(bin + 1) * n / grid) - 1;
        return Enumerable.Range(1, RowsPerBin).Select(i => start + (int)((long)(end - start) * i / RowsPerBin)).Distinct();
    }

    /// <summary>Per cell, the sum over rows of the row's mean value there, and how many rows had causal keys there.</summary>
    private sealed class Cells(int grid)
    {
        private readonly double[,] _sums = new double[grid, grid];
        private readonly int[,] _rows = new int[grid, grid];

        /// <summary>
        /// Adds one row: the mean probability (or, with <paramref name="keys"/>, the kept fraction) of
        /// its causal keys in each key bin, keys binned by <paramref name="binIndexOf"/>[key].
        /// </summary>
        public void AddRow(int rowBin, double[] probabilities, int[] binIndexOf, int grid, int n, HashSet<int>? keys)
        {
            var sums = new double[grid];
            var counts = new int[grid];
            for (int key = 0; key < probabilities.Length; key++)
            {
                int bin = (int)((long)binIndexOf[key] * grid / n);
                counts[bin]++;
                sums[bin] += keys is null ? probabilities[key] : keys.Contains(key) ? 1 : 0;
            }

            for (int bin = 0; bin < grid; bin++)
            {
                if (counts[bin] > 0)
                {
                    _sums[rowBin, bin] += sums[bin] / counts[bin];
                    _rows[rowBin, bin]++;
                }
            }
        }

        public double[,] Means()
        {
            int grid = _sums.GetLength(0);
            var means = new double[grid, grid];
            for (int row = 0; row < grid; row++)
            {
                for (int column = 0; column < grid; column++)
                {
                    means[row, column] = _rows[row, column] > 0 ? _sums[row, column] / _rows[row, column] : double.NaN;
                }
            }

            return means;
        }
    }
}

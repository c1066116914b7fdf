namespace MInference.Tests.Sparse.References;

/// <summary>
/// An independent formulation of masked attention for checking the sparse references: the whole
/// score matrix of one (batch, head), the mask applied as −∞ from a predicate, a separate softmax.
/// Shares no code with the library.
/// </summary>
internal static class MaskedNaiveAttention
{
    /// <summary>Output row [D] and log-sum-exp of query row <paramref name="row"/> of (batch, head) under the mask.</summary>
    public static (double[] Output, double LogSumExp) Row(SparseOperands operands, int batch, int head, int row, Func<int, bool> visible)
    {
        int n = operands.Length;
        int dim = operands.HeadDim;
        int kvHead = head * operands.KvHeads / operands.Heads;
        double scale = 1 / Math.Sqrt(dim);
        var scores = new double[n];
        for (int j = 0; j < n; j++)
        {
            double dot = 0;
            for (int d = 0; d < dim; d++)
            {
                dot += (double)operands.QValues[((((batch * operands.Heads) + head) * n) + row) * dim + d]
                    * operands.KValues[((((batch * operands.KvHeads) + kvHead) * n) + j) * dim + d];
            }

            scores[j] = visible(j) ? dot * scale : double.NegativeInfinity;
        }

        double max = scores.Max();
        double sum = scores.Sum(s => Math.Exp(s - max));
        var output = new double[dim];
        for (int j = 0; j < n; j++)
        {
            double p = Math.Exp(scores[j] - max) / sum;
            for (int d = 0; d < dim; d++)
            {
                output[d] += p * operands.VValues[((((batch * operands.KvHeads) + kvHead) * n) + j) * dim + d];
            }
        }

        return (output, max + Math.Log(sum));
    }

    /// <summary>Compares every row of every listed head of the reference's output with <see cref="Row"/>.</summary>
    public static void AssertMatches(
        SparseOperands operands, int[] heads, float[] output, float[] logSumExp, Func<int, int, int, Func<int, bool>> visibleOf, double tolerance)
    {
        Assert.Multiple(() =>
        {
            for (int batch = 0; batch < operands.Batch; batch++)
            {
                for (int slot = 0; slot < heads.Length; slot++)
                {
                    int head = heads[slot];
                    for (int row = 0; row < operands.Length; row++)
                    {
                        (double[] expected, double expectedLogSumExp) = Row(operands, batch, head, row, visibleOf(batch, slot, row));
                        int rowBase = ((((batch * operands.Heads) + head) * operands.Length) + row) * operands.HeadDim;
                        Assert.That(output.AsSpan(rowBase, operands.HeadDim).ToArray(), Is.EqualTo(expected).Within(tolerance),
                            $"output of batch {batch}, head {head}, row {row}");
                        Assert.That(logSumExp[(((batch * operands.Heads) + head) * operands.Length) + row], Is.EqualTo(expectedLogSumExp).Within(tolerance),
                            $"log-sum-exp of batch {batch}, head {head}, row {row}");
                    }
                }
            }
        });
    }
}

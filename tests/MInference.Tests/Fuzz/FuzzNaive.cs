namespace MInference.Tests.Fuzz;

/// <summary>
/// A textbook attention row for checking the CPU paths: every score of the row over all kv_len
/// keys, the mask applied as −∞ from a predicate, a separate softmax, in double. Shares no code
/// with the library beyond reading the operands' strides.
/// </summary>
internal static class FuzzNaive
{
    public static (double[] Output, double LogSumExp) Row(
        ReadOnlyHostTensor q, ReadOnlyHostTensor k, ReadOnlyHostTensor v, int batch, int head, int row, Func<int, bool> visible, double scale)
    {
        int keyLength = (int)k.Layout.Lengths[2];
        int dim = (int)q.Layout.Lengths[3];
        int kvHead = head / (int)(q.Layout.Lengths[1] / k.Layout.Lengths[1]);
        ReadOnlySpan<float> queries = q.Data.Span, keys = k.Data.Span, values = v.Data.Span;
        long queryRow = q.Layout.GetOffset(batch, head, row, 0);
        var scores = new double[keyLength];
        for (int j = 0; j < keyLength; j++)
        {
            long keyRow = k.Layout.GetOffset(batch, kvHead, j, 0);
            double dot = 0;
            for (int d = 0; d < dim; d++)
            {
                dot += (double)queries[(int)(queryRow + d)] * keys[(int)(keyRow + d)];
            }

            scores[j] = visible(j) ? dot * scale : double.NegativeInfinity;
        }

        double max = scores.Max();
        double sum = scores.Sum(score => Math.Exp(score - max));
        var output = new double[dim];
        for (int j = 0; j < keyLength; j++)
        {
            double probability = Math.Exp(scores[j] - max) / sum;
            long valueRow = v.Layout.GetOffset(batch, kvHead, j, 0);
            for (int d = 0; d < dim; d++)
            {
                output[d] += probability * values[(int)(valueRow + d)];
            }
        }

        return (output, max + Math.Log(sum));
    }
}

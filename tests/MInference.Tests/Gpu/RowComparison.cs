namespace MInference.Tests.Gpu;

/// <summary>Kernel output against the reference on selected query rows, with the location of the worst element.</summary>
internal sealed record RowComparison(ErrorStatistics Errors, string WorstElement)
{
    /// <summary>
    /// Compares rows <paramref name="rows"/> of every (batch, head) of two tensors sharing
    /// <paramref name="layout"/> ([B, H, N, D]); only the heads in <paramref name="heads"/> when given.
    /// </summary>
    public static RowComparison Compare(float[] actual, float[] expected, TensorLayout layout, int[] rows, IReadOnlyCollection<int>? heads = null)
    {
        ReadOnlySpan<nint> lengths = layout.Lengths;
        var actualRows = new List<float>();
        var expectedRows = new List<float>();
        double worst = -1;
        string worstElement = "none";
        for (nint b = 0; b < lengths[0]; b++)
        {
            for (nint h = 0; h < lengths[1]; h++)
            {
                if (heads is not null && !heads.Contains((int)h))
                {
                    continue;
                }

                foreach (int row in rows)
                {
                    for (nint d = 0; d < lengths[3]; d++)
                    {
                        long offset = layout.GetOffset(b, h, row, d);
                        actualRows.Add(actual[offset]);
                        expectedRows.Add(expected[offset]);
                        double difference = float.IsFinite(actual[offset]) ? Math.Abs((double)actual[offset] - expected[offset]) : double.PositiveInfinity;
                        if (difference > worst)
                        {
                            worst = difference;
                            worstElement = $"[{b}, {h}, {row}, {d}] = {actual[offset]} vs {expected[offset]}";
                        }
                    }
                }
            }
        }

        return new RowComparison(ErrorStatistics.Compare(actualRows.ToArray(), expectedRows.ToArray()), worstElement);
    }
}

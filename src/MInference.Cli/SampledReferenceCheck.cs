namespace MInference.Cli;

/// <summary>Compares sampled query rows of a computed output with the CPU reference on the same inputs.</summary>
internal static class SampledReferenceCheck
{
    /// <summary>
    /// Runs <see cref="CpuAttention.DenseRows"/> for <paramref name="rows"/> (in every batch and head) and
    /// compares those rows of <paramref name="output"/> (contiguous BHSD) with it.
    /// </summary>
    public static ErrorStatistics Compare(AttentionProblem problem, HostAttentionInputs inputs, float[] output, int[] rows)
    {
        var reference = new float[output.Length];
        CpuAttention.DenseRows(
            inputs.Q, inputs.K, inputs.V, rows, new HostTensor(reference, problem.QueryLayout), new DenseAttentionOptions { Causal = problem.Causal });

        int rowLength = problem.HeadDim;
        var actualRows = new List<float>();
        var expectedRows = new List<float>();
        for (long batchHead = 0; batchHead < (long)problem.Batch * problem.Heads; batchHead++)
        {
            foreach (int row in rows)
            {
                int start = (int)(((batchHead * problem.SequenceLength) + row) * rowLength);
                actualRows.AddRange(output.AsSpan(start, rowLength));
                expectedRows.AddRange(reference.AsSpan(start, rowLength));
            }
        }

        return ErrorStatistics.Compare(actualRows.ToArray(), expectedRows.ToArray());
    }
}

namespace MInference.Decode;

/// <summary>
/// How far one decode step over a compressed cache lands from exact decode: per (sequence, query head)
/// the relative L2 error ‖o − o_exact‖ / ‖o_exact‖ of the output row, for the PQ cache and for the
/// uniform 4-bit baseline (<see cref="UniformKvQuantizer"/>) on the same tokens. Both keep the same
/// recent window exact in 16-bit and compress the same older tokens, so only the quantizer differs.
/// Exact decode is <see cref="CpuDecodeAttention.Dense"/> over the 16-bit tokens.
/// </summary>
public sealed class DecodeAccuracy
{
    private DecodeAccuracy(double[] pq, double[] uniform)
    {
        PqRelativeL2 = pq;
        UniformRelativeL2 = uniform;
    }

    /// <summary>PQ's relative L2 error per (sequence, query head), in that order.</summary>
    public IReadOnlyList<double> PqRelativeL2 { get; }

    /// <summary>The uniform 4-bit baseline's relative L2 error per (sequence, query head).</summary>
    public IReadOnlyList<double> UniformRelativeL2 { get; }

    /// <summary>Mean of <see cref="PqRelativeL2"/>.</summary>
    public double PqMean => PqRelativeL2.Average();

    /// <summary>Mean of <see cref="UniformRelativeL2"/>.</summary>
    public double UniformMean => UniformRelativeL2.Average();

    /// <summary>
    /// Puts each sequence's N tokens in a PQ cache of layer <paramref name="layer"/> (as one prompt) and in
    /// an exact one, decodes one step with <paramref name="queries"/>, and compares.
    /// </summary>
    /// <param name="codebooks">Trained codebooks.</param>
    /// <param name="layer">The layer whose codebooks quantize the tokens.</param>
    /// <param name="keys">[B, kv_heads, N, head_dim], N ≥ 1, any strides.</param>
    /// <param name="values">As <paramref name="keys"/>.</param>
    /// <param name="queries">[B, heads, head_dim].</param>
    /// <param name="cacheOptions">Window and dtype of the caches (BatchSize and Capacity are set from the data).</param>
    /// <exception cref="ArgumentException">The shapes disagree with each other or with the codebooks.</exception>
    public static DecodeAccuracy Measure(PqCodebooks codebooks, int layer, ReadOnlyHostTensor keys, ReadOnlyHostTensor values, ReadOnlyHostTensor queries, PqKvCacheOptions cacheOptions)
    {
        ArgumentNullException.ThrowIfNull(codebooks);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(cacheOptions);
        ReadOnlySpan<nint> lengths = keys.Layout.Lengths;
        if (keys.Layout.Rank != 4 || lengths[1] != codebooks.KvHeads || lengths[3] != codebooks.HeadDim || lengths[2] < 1
            || !values.Layout.Lengths.SequenceEqual(lengths))
        {
            throw new ArgumentException(
                $"keys {keys.Layout} and values {values.Layout}; expected both [B, {codebooks.KvHeads}, N ≥ 1, {codebooks.HeadDim}] (the codebooks' kv_heads and head_dim)", nameof(keys));
        }

        int batch = (int)lengths[0], tokens = (int)lengths[2];
        PqKvCacheOptions options = cacheOptions with { BatchSize = batch, Capacity = tokens };
        var pq = new PqKvCache(codebooks, layer, options);
        var exact = new DenseKvCache(batch, codebooks.KvHeads, codebooks.HeadDim, tokens, options.DType);
        for (int sequence = 0; sequence < batch; sequence++)
        {
            ReadOnlyHostTensor sequenceKeys = Sequence(keys, sequence);
            ReadOnlyHostTensor sequenceValues = Sequence(values, sequence);
            pq.AppendPrompt(sequence, sequenceKeys, sequenceValues);
            exact.AppendPrompt(sequence, sequenceKeys, sequenceValues);
        }

        // The baseline quantizes exactly the tokens the PQ cache holds as codes.
        int coded = PqKvCache.CodedTokens(tokens, options.WindowTokens);
        DenseKvCache[] uniform = [.. Enumerable.Range(0, batch).Select(sequence => UniformKvQuantizer.BaselineCache(exact, sequence, coded))];
        float[] exactOutput = Decode(queries, output => CpuDecodeAttention.Dense(exact, queries, output));
        float[] pqOutput = Decode(queries, output => CpuDecodeAttention.Pq(pq, queries, output));
        float[] uniformOutput = [.. Enumerable.Range(0, batch).SelectMany(sequence =>
            Decode(SequenceQueries(queries, sequence), output => CpuDecodeAttention.Dense(uniform[sequence], SequenceQueries(queries, sequence), output)))];
        int dim = codebooks.HeadDim;
        return new DecodeAccuracy(RelativeL2(pqOutput, exactOutput, dim), RelativeL2(uniformOutput, exactOutput, dim));
    }

    private static ReadOnlyHostTensor Sequence(ReadOnlyHostTensor tensor, int sequence)
    {
        ReadOnlySpan<nint> lengths = tensor.Layout.Lengths;
        ReadOnlySpan<nint> strides = tensor.Layout.Strides;
        return new ReadOnlyHostTensor(tensor.Data[(int)(sequence * strides[0])..], new TensorLayout([lengths[1], lengths[2], lengths[3]], [strides[1], strides[2], strides[3]]));
    }

    /// <summary>[1, heads, head_dim]: one sequence's queries.</summary>
    private static ReadOnlyHostTensor SequenceQueries(ReadOnlyHostTensor queries, int sequence)
    {
        ReadOnlySpan<nint> lengths = queries.Layout.Lengths;
        ReadOnlySpan<nint> strides = queries.Layout.Strides;
        return new ReadOnlyHostTensor(queries.Data[(int)(sequence * strides[0])..], new TensorLayout([1, lengths[1], lengths[2]], [strides[0], strides[1], strides[2]]));
    }

    private static float[] Decode(ReadOnlyHostTensor queries, Action<HostTensor> decode)
    {
        var output = new float[queries.Layout.ElementCount];
        decode(new HostTensor(output, TensorLayout.Contiguous(queries.Layout.Lengths)));
        return output;
    }

    private static double[] RelativeL2(float[] actual, float[] expected, int dim)
    {
        var result = new double[actual.Length / dim];
        for (int row = 0; row < result.Length; row++)
        {
            double error = 0, norm = 0;
            for (int d = row * dim; d < (row + 1) * dim; d++)
            {
                error += ((double)actual[d] - expected[d]) * ((double)actual[d] - expected[d]);
                norm += (double)expected[d] * expected[d];
            }

            result[row] = Math.Sqrt(error / norm);
        }

        return result;
    }
}

using MInference.Decode;
using MInference.Synthetic;

namespace MInference.Cli.Decode;

/// <summary>
/// `decode` on the CPU references: a prompt of N tokens of the synthetic model into a PQ cache and an
/// exact 16-bit one, then steps appended and decoded with that position's queries; per head the mean
/// output error and the top-k overlap of the scores over the steps.
/// </summary>
internal static class DecodeEvaluation
{
    /// <summary>Trains the codebooks on a calibration sequence that spans every position decoded (keys are quantized after RoPE).</summary>
    public static PqCodebooks Train(DecodeSettings settings)
    {
        OutlierKvData calibration = OutlierKvData.Generate(settings.Model(settings.Lengths.Max() + settings.Steps, calibration: true));
        return PqCodebooks.Train([calibration.K], [calibration.V], settings.Codebooks);
    }

    public static DecodeLengthResult Run(DecodeSettings settings, PqCodebooks codebooks, int length)
    {
        int total = length + settings.Steps;
        OutlierKvData data = OutlierKvData.Generate(settings.Model(total, calibration: false));
        var pq = new PqKvCache(codebooks, 0, new PqKvCacheOptions { Capacity = total, WindowTokens = settings.Window, DType = settings.DType });
        var exact = new DenseKvCache(1, settings.KvHeads, settings.HeadDim, total, settings.DType);
        ReadOnlyHostTensor promptKeys = Tokens(data.K, 0, length, settings.KvHeads);
        ReadOnlyHostTensor promptValues = Tokens(data.V, 0, length, settings.KvHeads);
        pq.AppendPrompt(0, promptKeys, promptValues);
        exact.AppendPrompt(0, promptKeys, promptValues);
        var errors = new double[settings.Heads];
        var overlaps = new double[settings.Heads];
        for (int position = length; position < total; position++)
        {
            pq.AppendStep(Step(data.K, position, settings.KvHeads), Step(data.V, position, settings.KvHeads));
            exact.AppendStep(Step(data.K, position, settings.KvHeads), Step(data.V, position, settings.KvHeads));
            ReadOnlyHostTensor queries = Step(data.Q, position, settings.Heads);
            float[] pqOutput = Decode(queries, output => CpuDecodeAttention.Pq(pq, queries, output));
            float[] exactOutput = Decode(queries, output => CpuDecodeAttention.Dense(exact, queries, output));
            for (int head = 0; head < settings.Heads; head++)
            {
                int kvHead = head / (settings.Heads / settings.KvHeads);
                errors[head] += RelativeL2(pqOutput.AsSpan(head * settings.HeadDim, settings.HeadDim), exactOutput.AsSpan(head * settings.HeadDim, settings.HeadDim)) / settings.Steps;
                ReadOnlySpan<float> query = queries.Data.Span.Slice((int)queries.Layout.GetOffset(0, head, 0), settings.HeadDim);
                overlaps[head] += TopKOverlap(Scores(query, PqKeys(pq, kvHead)), Scores(query, Widen(exact.Keys(0, kvHead), settings.DType)), settings.TopK) / settings.Steps;
            }
        }

        int coded = pq.CodedLength(0);
        int window = pq.WindowLength(0);
        double denseBytes = 2.0 * total * settings.HeadDim * 2;
        double pqBytes = (2.0 * coded * settings.Subspaces) + (2.0 * window * settings.HeadDim * 2);
        double codebookBytes = 2.0 * PqCodebookOptions.SupportedCentroids * settings.HeadDim * 2;
        DecodeHeadResult[] heads = Enumerable.Range(0, settings.Heads)
            .Select(head => new DecodeHeadResult(head, head / (settings.Heads / settings.KvHeads), errors[head], overlaps[head]))
            .ToArray();
        return new DecodeLengthResult(length, coded, window, denseBytes / pqBytes, denseBytes / (pqBytes + codebookBytes), heads);
    }

    /// <summary>The keys a PQ decode sees for one kv head: centroids for the coded tokens, then the 16-bit window.</summary>
    private static float[] PqKeys(PqKvCache cache, int kvHead)
    {
        int dim = cache.HeadDim;
        var keys = new float[cache.Length(0) * dim];
        int coded = cache.CodedLength(0) * dim;
        cache.Codebooks.Keys(0, kvHead).Reconstruct(cache.KeyCodes(0, kvHead), keys.AsSpan(0, coded));
        HalfPrecision.Decode(cache.KeyWindow(0, kvHead), keys.AsSpan(coded), cache.DType);
        return keys;
    }

    private static float[] Widen(ReadOnlySpan<ushort> bits, DType dtype)
    {
        var values = new float[bits.Length];
        HalfPrecision.Decode(bits, values, dtype);
        return values;
    }

    private static double[] Scores(ReadOnlySpan<float> query, float[] keys)
    {
        var scores = new double[keys.Length / query.Length];
        for (int token = 0; token < scores.Length; token++)
        {
            double dot = 0;
            for (int d = 0; d < query.Length; d++)
            {
                dot += (double)query[d] * keys[(token * query.Length) + d];
            }

            scores[token] = dot;
        }

        return scores;
    }

    /// <summary>|top-k(a) ∩ top-k(b)| / k, k capped at the token count; ties in index order.</summary>
    private static double TopKOverlap(double[] approximate, double[] exact, int topK)
    {
        int k = Math.Min(topK, exact.Length);
        var exactTop = TopIndices(exact, k).ToHashSet();
        return TopIndices(approximate, k).Count(exactTop.Contains) / (double)k;
    }

    private static IEnumerable<int> TopIndices(double[] scores, int k) =>
        Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k);

    private static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double error = 0, norm = 0;
        for (int d = 0; d < expected.Length; d++)
        {
            error += ((double)actual[d] - expected[d]) * ((double)actual[d] - expected[d]);
            norm += (double)expected[d] * expected[d];
        }

        return Math.Sqrt(error / norm);
    }

    /// <summary>Tokens [start, start + count) of batch element 0 of a [1, heads, N, D] tensor, as [heads, count, D].</summary>
    private static ReadOnlyHostTensor Tokens(ReadOnlyHostTensor tensor, int start, int count, int heads)
    {
        ReadOnlySpan<nint> strides = tensor.Layout.Strides;
        return new ReadOnlyHostTensor(tensor.Data[(int)(start * strides[2])..], new TensorLayout([heads, count, tensor.Layout.Lengths[3]], [strides[1], strides[2], strides[3]]));
    }

    /// <summary>Position <paramref name="position"/> of a [1, heads, N, D] tensor, as [1, heads, D].</summary>
    private static ReadOnlyHostTensor Step(ReadOnlyHostTensor tensor, int position, int heads)
    {
        ReadOnlySpan<nint> strides = tensor.Layout.Strides;
        return new ReadOnlyHostTensor(tensor.Data[(int)(position * strides[2])..], new TensorLayout([1, heads, tensor.Layout.Lengths[3]], [strides[0], strides[1], strides[3]]));
    }

    private static float[] Decode(ReadOnlyHostTensor queries, Action<HostTensor> decode)
    {
        var output = new float[queries.Layout.ElementCount];
        decode(new HostTensor(output, TensorLayout.Contiguous(queries.Layout.Lengths)));
        return output;
    }
}

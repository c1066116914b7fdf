using System.Diagnostics;
using MInference.Cli.Bench;
using MInference.Decode;

namespace MInference.Cli.Decode;

/// <summary>
/// `decode` on the CPU references: a prompt of N tokens (synthetic or captured) into a PQ cache and an
/// exact 16-bit one, then steps appended and decoded with that position's queries; per head the mean
/// output error (of PQ, and of the uniform 4-bit baseline on the same coded tokens) and the top-k
/// overlap of the scores over the steps.
/// </summary>
internal static class DecodeEvaluation
{
    public static DecodeLengthResult Run(DecodeSettings settings, DecodeSource source, PqCodebooks codebooks, int length)
    {
        int total = length + settings.Steps;
        DecodeTokens data = source.Tokens(settings, total);
        var pq = new PqKvCache(codebooks, settings.CodebookLayer, new PqKvCacheOptions { Capacity = total, WindowTokens = settings.Window, DType = settings.DType });
        var exact = new DenseKvCache(1, settings.KvHeads, settings.HeadDim, total, settings.DType);
        ReadOnlyHostTensor promptKeys = DecodeMetrics.Tokens(data.K, 0, length, settings.KvHeads);
        ReadOnlyHostTensor promptValues = DecodeMetrics.Tokens(data.V, 0, length, settings.KvHeads);
        pq.AppendPrompt(0, promptKeys, promptValues);
        exact.AppendPrompt(0, promptKeys, promptValues);
        var metrics = new DecodeHeadMetrics(settings);
        var pqMilliseconds = new double[settings.Steps];
        var denseMilliseconds = new double[settings.Steps];
        for (int position = length; position < total; position++)
        {
            pq.AppendStep(DecodeMetrics.Step(data.K, position, settings.KvHeads), DecodeMetrics.Step(data.V, position, settings.KvHeads));
            exact.AppendStep(DecodeMetrics.Step(data.K, position, settings.KvHeads), DecodeMetrics.Step(data.V, position, settings.KvHeads));
            ReadOnlyHostTensor queries = DecodeMetrics.Step(data.Q, position, settings.Heads);
            (float[] pqOutput, pqMilliseconds[position - length]) = Decode(queries, output => CpuDecodeAttention.Pq(pq, queries, output));
            (float[] exactOutput, denseMilliseconds[position - length]) = Decode(queries, output => CpuDecodeAttention.Dense(exact, queries, output));
            float[][] pqKeys = [.. Enumerable.Range(0, settings.KvHeads).Select(kvHead =>
                DecodeMetrics.PqKeys(codebooks.Keys(settings.CodebookLayer, kvHead), pq.KeyCodes(0, kvHead), pq.KeyWindow(0, kvHead), settings.DType))];
            float[][] exactKeys = [.. Enumerable.Range(0, settings.KvHeads).Select(kvHead => DecodeMetrics.Widen(exact.Keys(0, kvHead), settings.DType))];
            DenseKvCache baseline = UniformKvQuantizer.BaselineCache(exact, 0, pq.CodedLength(0));
            (float[] uniformOutput, _) = Decode(queries, output => CpuDecodeAttention.Dense(baseline, queries, output));
            metrics.AddStep(pqOutput, exactOutput, uniformOutput, queries, pqKeys, exactKeys);
        }

        (double compression, double withCodebooks) = DecodeMetrics.Compression(settings, pq.CodedLength(0), pq.WindowLength(0));
        return new DecodeLengthResult(
            length, pq.CodedLength(0), pq.WindowLength(0), compression, withCodebooks, Statistics.Median(pqMilliseconds), Statistics.Median(denseMilliseconds), metrics.Results());
    }

    /// <summary>Runs one reference decode into a fresh output, timed by the wall clock.</summary>
    private static (float[] Output, double Milliseconds) Decode(ReadOnlyHostTensor queries, Action<HostTensor> decode)
    {
        var output = new float[queries.Layout.ElementCount];
        long start = Stopwatch.GetTimestamp();
        decode(new HostTensor(output, TensorLayout.Contiguous(queries.Layout.Lengths)));
        return (output, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
}

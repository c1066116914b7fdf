namespace MInference.Cli.Decode;

/// <summary>Per query head, the means over the decoded steps of the output error (PQ and the uniform 4-bit baseline) and the score top-k overlap (both backends).</summary>
internal sealed class DecodeHeadMetrics(DecodeSettings settings)
{
    private readonly double[] _errors = new double[settings.Heads];
    private readonly double[] _uniformErrors = new double[settings.Heads];
    private readonly double[] _overlaps = new double[settings.Heads];

    private int Group => settings.Heads / settings.KvHeads;

    /// <summary>One step: outputs [heads, D] (PQ, exact, uniform 4-bit), queries [1, heads, D], and per kv head the keys [tokens, D] the PQ decode and the exact one saw.</summary>
    public void AddStep(ReadOnlySpan<float> pqOutput, ReadOnlySpan<float> exactOutput, ReadOnlySpan<float> uniformOutput, ReadOnlyHostTensor queries, float[][] pqKeys, float[][] exactKeys)
    {
        int dim = settings.HeadDim;
        for (int head = 0; head < settings.Heads; head++)
        {
            int kvHead = head / Group;
            _errors[head] += DecodeMetrics.RelativeL2(pqOutput.Slice(head * dim, dim), exactOutput.Slice(head * dim, dim)) / settings.Steps;
            _uniformErrors[head] += DecodeMetrics.RelativeL2(uniformOutput.Slice(head * dim, dim), exactOutput.Slice(head * dim, dim)) / settings.Steps;
            ReadOnlySpan<float> query = queries.Data.Span.Slice((int)queries.Layout.GetOffset(0, head, 0), dim);
            _overlaps[head] += DecodeMetrics.TopKOverlap(DecodeMetrics.Scores(query, pqKeys[kvHead]), DecodeMetrics.Scores(query, exactKeys[kvHead]), settings.TopK) / settings.Steps;
        }
    }

    public DecodeHeadResult[] Results() =>
        [.. Enumerable.Range(0, settings.Heads).Select(head => new DecodeHeadResult(head, head / Group, _errors[head], _uniformErrors[head], _overlaps[head]))];
}

using System.Text.Json.Serialization;

namespace MInference.Cli.Decode;

/// <summary>One query head at one context length: mean over the decoded steps.</summary>
/// <param name="Head">Query head.</param>
/// <param name="KvHead">The kv head it reads.</param>
/// <param name="RelativeL2">‖o_pq − o_exact‖ / ‖o_exact‖ of the decode output.</param>
/// <param name="UniformRelativeL2">The same for the uniform 4-bit baseline holding the same tokens quantized (<see cref="MInference.Decode.UniformKvQuantizer"/>).</param>
/// <param name="TopKOverlap">Share of the exact scores' top k tokens that are also in the PQ scores' top k.</param>
internal sealed record DecodeHeadResult(int Head, int KvHead, double RelativeL2, double UniformRelativeL2, double TopKOverlap);

/// <summary>One context length: the cache after the last step and every head.</summary>
/// <param name="Seq">Prompt tokens before the decoded steps.</param>
/// <param name="CodedTokens">Tokens held as codes after the last step.</param>
/// <param name="WindowTokens">Tokens held in 16-bit after the last step.</param>
/// <param name="Compression">Dense 16-bit K/V bytes over the PQ cache's bytes (codes and window; codebooks apart), per kv head.</param>
/// <param name="CompressionWithCodebooks">As <paramref name="Compression"/>, the kv head's two codebooks (binary16) counted too.</param>
/// <param name="PqMilliseconds">Time of one PQ decode step (all heads) at this length: median of CUDA-event timings on the GPU, of the steps' wall-clock times on the CPU.</param>
/// <param name="DenseMilliseconds">The same for dense decode over the 16-bit cache.</param>
/// <param name="Heads">Every query head.</param>
internal sealed record DecodeLengthResult(
    int Seq, int CodedTokens, int WindowTokens, double Compression, double CompressionWithCodebooks, double PqMilliseconds, double DenseMilliseconds, IReadOnlyList<DecodeHeadResult> Heads)
{
    public double MeanRelativeL2 => Heads.Average(head => head.RelativeL2);

    public double MeanUniformRelativeL2 => Heads.Average(head => head.UniformRelativeL2);

    public double MeanTopKOverlap => Heads.Average(head => head.TopKOverlap);
}

/// <summary>`decode --json`: the settings and one entry per context length.</summary>
internal sealed record DecodeJson(
    string Backend, string Data, int Heads, int KvHeads, int HeadDim, int Subspaces, int Window, int Steps, int TopK, string Dtype, int Seed, IReadOnlyList<DecodeLengthJson> Lengths);

/// <summary>One context length in `decode --json`.</summary>
internal sealed record DecodeLengthJson(
    int Seq, int CodedTokens, int WindowTokens, double Compression, double CompressionWithCodebooks, double MsPqStep, double MsDenseStep,
    double MeanRelativeL2, double MeanUniformRelativeL2, double MeanTopKOverlap, IReadOnlyList<DecodeHeadResult> Heads)
{
    public static DecodeLengthJson From(DecodeLengthResult result) => new(
        result.Seq, result.CodedTokens, result.WindowTokens, result.Compression, result.CompressionWithCodebooks, result.PqMilliseconds, result.DenseMilliseconds,
        result.MeanRelativeL2, result.MeanUniformRelativeL2, result.MeanTopKOverlap, result.Heads);
}

/// <summary>Source-generated JSON for `decode --json`.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(DecodeJson))]
internal sealed partial class DecodeJsonContext : JsonSerializerContext;
